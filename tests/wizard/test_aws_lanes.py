"""The region pool's lanes (wizard/aws.py ``LANES``): pure, no AWS call.

IAM throttles per account and publishes no rate, so the per-user IAM fan-outs run in a lane of their
own with fewer jobs at once than the pool; the other reads (a large account's per-bucket S3 reads) no
longer queue behind them (benchmarks/README.md, "Tenth session: the large account's re-run").
"""

from __future__ import annotations

import threading

from wizard.aws import AWS, LANES
from wizard.aws_session import Target


def _fill(aws: AWS, lane: str, jobs: int) -> tuple[dict, threading.Event, threading.Thread]:
    """``jobs`` jobs in ``lane`` that hold their thread until released; returns once the lane is full."""
    seen = {"running": 0, "most": 0}
    changed, release = threading.Condition(), threading.Event()

    def job(_item):
        with changed:
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
            changed.notify_all()
        release.wait(10)
        with changed:
            seen["running"] -= 1

    fan_out = threading.Thread(target=aws.per_region, args=(job, range(jobs)), kwargs={"lane": lane})
    fan_out.start()
    with changed:
        assert changed.wait_for(lambda: seen["running"] == min(LANES[lane], aws.max_workers), timeout=10)
    return seen, release, fan_out


def test_the_iam_lane_holds_fewer_jobs_than_the_pool_and_the_other_reads_do_not_wait_for_it():
    aws = AWS(Target(endpoint_url="https://lanes.invalid"), regions=["us-east-1"])
    try:
        assert LANES["iam"] < aws.max_workers
        seen, release, fan_out = _fill(aws, "iam", LANES["iam"] + 5)
        # the IAM lane is full: a fan-out of the region lane (the buckets' reads) runs at once all the same
        assert aws.per_region(lambda item: item * 2, range(3)) == {0: 0, 1: 2, 2: 4}
        assert seen["running"] == LANES["iam"]
        release.set()
        fan_out.join(10)
        assert seen["most"] == LANES["iam"] and seen["running"] == 0
    finally:
        aws.close()


def test_no_lane_holds_more_jobs_than_max_workers():
    aws = AWS(Target(endpoint_url="https://lanes.invalid"), regions=["us-east-1"], max_workers=4)
    try:
        seen, release, fan_out = _fill(aws, "iam", 6)
        release.set()
        fan_out.join(10)
        assert seen["most"] == 4
    finally:
        aws.close()
