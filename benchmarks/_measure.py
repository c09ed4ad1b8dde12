"""One measured run, in a fresh interpreter: `python benchmarks/_measure.py check [CLI args...]`.

Runs the real command line (`wizard.__main__.main`) with the report sent to /dev/null, and prints
one JSON line: wall time of the command, exit code, API calls by service and operation (counted by
the botocore ``before-call`` event in wizard/aws.py), HTTP requests (retries included), identical
reads sent twice, and the peak resident memory of this process (``ru_maxrss``).

`check --org` assesses member accounts in worker processes (wizard/org_workers.py): their calls
come back with their results and are added here; their CPU is added to this process's, and the
largest worker's peak memory is reported apart.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter


def _peak_kib(usage: resource.struct_rusage) -> int:
    """This process's peak resident memory. ``ru_maxrss`` starts at the parent's peak (Linux copies
    it at fork and keeps it through exec), so a benchmark whose own process grew larger than the run
    (old_vs_new.py seeds the large account in-process) would read its own peak; VmHWM is this
    program's own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return usage.ru_maxrss


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    import wizard.aws
    from wizard.__main__ import main as cli

    made: list = []
    original = wizard.aws.AWS.__init__

    def tracking_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    wizard.aws.AWS.__init__ = tracking_init
    import wizard.org_workers

    worker_stats: list = []
    assess_organization = wizard.org_workers.assess_organization

    def tracking_assess_organization(*args, **kwargs):
        runs, stats = assess_organization(*args, **kwargs)
        worker_stats.append(stats)
        return runs, stats

    wizard.org_workers.assess_organization = tracking_assess_organization
    imported = time.perf_counter()
    sink = open(os.devnull, "w")
    stdout, sys.stdout = sys.stdout, sink
    try:
        code = cli(argv)
    finally:
        sys.stdout = stdout
    finished = time.perf_counter()

    calls: Counter = Counter()
    requests = 0
    repeated: dict = {}
    accounts = set()
    for aws in made:
        calls.update({f"{s}.{o}": n for (s, o), n in aws.calls.items()})
        requests += aws.requests
        if aws.calls:
            account = aws.target.label or "main"
            accounts.add(account)
            for key, n in aws.repeated_reads().items():
                repeated[f"{account} {' '.join(key)}"] = n
    for stats in worker_stats:
        calls.update({f"{s}.{o}": n for (s, o), n in stats.calls.items()})
        requests += stats.requests
        for key, n in stats.repeated_reads.items():
            repeated[" ".join(key)] = n
        accounts.update(stats.accounts)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "argv": argv,
        "exit_code": code,
        "seconds": round(finished - imported, 3),
        "import_seconds": round(imported - started, 3),
        "api_calls": sum(calls.values()),
        "http_requests": requests,
        "accounts": len(accounts),
        "calls_by_operation": dict(sorted(calls.items(), key=lambda kv: (-kv[1], kv[0]))),
        "duplicate_reads": sum(n - 1 for n in repeated.values()),
        "duplicates": repeated,
        "peak_rss_mb": round(_peak_kib(usage) / 1024, 1),
        "worker_peak_rss_mb": round(workers.ru_maxrss / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime, 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
