"""The apply's writer survives AWS's hard edges: declared propagation errors are retried with a
visible waiting line, a partial failure inside a 200 fails the change, background work is waited for."""

from __future__ import annotations

import pytest

from steps.base import Call, Change, StepError
from wizard.propagation import RETRY_BUDGET_S, SurvivingWriter, WriteFailed

TRAIL = Call("cloudtrail", "CreateTrail", {"Name": "t"}, "us-east-1")


class FakeAWS:
    def __init__(self, failures=(), response=None, reads=None):
        self.failures = list(failures)
        self.response = response if response is not None else {"ok": True}
        self.reads = list(reads or [])
        self.sent = []

    def write(self, call):
        self.sent.append(call)
        if self.failures:
            raise self.failures.pop(0)
        return self.response

    def read(self, service, operation, region=None, **params):
        return self.reads.pop(0)

    def forget(self):
        pass


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def writer(aws, changes, lines, clock):
    return SurvivingWriter(aws, changes, lines.append, sleep=clock.sleep, clock=clock)


def denied_role():
    return WriteFailed("cloudtrail.CreateTrail failed: InvalidCloudWatchLogsLogGroupArnException: Access denied.",
                       code="InvalidCloudWatchLogsLogGroupArnException")


def test_a_declared_propagation_error_is_retried_with_a_waiting_line():
    aws, lines, clock = FakeAWS([denied_role(), denied_role()]), [], Clock()
    change = Change("trail", TRAIL, retry_on=("InvalidCloudWatchLogsLogGroupArnException",))
    assert writer(aws, [change], lines, clock).write(TRAIL) == {"ok": True}
    assert len(aws.sent) == 3 and clock.slept == [1.0, 2.0]
    assert all("waiting for IAM to propagate" in line for line in lines) and len(lines) == 2


def test_an_undeclared_error_fails_at_once():
    aws, lines, clock = FakeAWS([denied_role()]), [], Clock()
    with pytest.raises(WriteFailed):
        writer(aws, [Change("trail", TRAIL)], lines, clock).write(TRAIL)
    assert len(aws.sent) == 1 and not lines


def test_retries_stop_within_the_budget():
    aws, lines, clock = FakeAWS([denied_role() for _ in range(100)]), [], Clock()
    change = Change("trail", TRAIL, retry_on=("InvalidCloudWatchLogsLogGroupArnException",))
    with pytest.raises(WriteFailed):
        writer(aws, [change], lines, clock).write(TRAIL)
    assert clock.now <= RETRY_BUDGET_S and len(aws.sent) < 15


def test_a_message_fragment_narrows_a_generic_code():
    flow = Call("ec2", "CreateFlowLogs", {}, "us-east-1")
    change = Change("flow", flow, retry_on=("InvalidParameter: Unable to assume given IAM role",))
    other = WriteFailed("ec2.CreateFlowLogs failed: InvalidParameter: bad traffic type", code="InvalidParameter")
    aws, lines, clock = FakeAWS([other]), [], Clock()
    with pytest.raises(WriteFailed):
        writer(aws, [change], lines, clock).write(flow)
    assume = WriteFailed("ec2.CreateFlowLogs failed: InvalidParameter: Unable to assume given IAM role: arn",
                         code="InvalidParameter")
    aws = FakeAWS([assume])
    writer(aws, [change], lines, clock).write(flow)
    assert len(aws.sent) == 2


def test_create_flow_logs_with_unsuccessful_items_is_a_failed_change():
    flow = Call("ec2", "CreateFlowLogs", {}, "us-east-1")
    aws = FakeAWS(response={"FlowLogIds": [], "Unsuccessful": [
        {"ResourceId": "vpc-1", "Error": {"Code": "400", "Message": "LogDestination: b does not exist."}}]})
    with pytest.raises(StepError, match="vpc-1: LogDestination: b does not exist"):
        writer(aws, [Change("flow", flow)], [], Clock()).write(flow)


def test_background_work_is_waited_for_within_a_bound():
    block = Call("ec2", "EnableImageBlockPublicAccess", {"ImageBlockPublicAccessState": "block-new-sharing"},
                 "eu-west-1")
    reads = [{"ImageBlockPublicAccessState": "unblocked"}] * 2 + [{"ImageBlockPublicAccessState": "block-new-sharing"}]
    aws, lines, clock = FakeAWS(reads=reads), [], Clock()
    w = writer(aws, [Change("block", block)], lines, clock)
    w.write(block)
    assert w.settle() == []
    assert not aws.reads and clock.slept == [1.0, 2.0]
    assert lines and all("AMIs in eu-west-1" in line for line in lines)
    aws, lines, clock = FakeAWS(reads=[{"ImageBlockPublicAccessState": "unblocked"}] * 50), [], Clock()
    w = writer(aws, [Change("block", block)], lines, clock)
    w.write(block)
    assert w.settle() == ["block public access for AMIs in eu-west-1"]  # gives up within the bound, no failure
    assert "still applying" in lines[-1] and clock.now <= 120


def test_the_waiting_line_shows_aws_text_as_plain_data():
    odd = WriteFailed("cloudtrail.CreateTrail failed", code="Bad\x1b[31mCode\x07")
    aws, lines, clock = FakeAWS([odd]), [], Clock()
    writer(aws, [Change("trail", TRAIL, retry_on=("Bad\x1b[31mCode\x07",))], lines, clock).write(TRAIL)
    assert lines and not any(ch in lines[0] for ch in "\x1b\x07")


class Stopped:
    """A stop the person has already asked for."""

    def is_set(self):
        return True


def test_a_stopped_apply_does_not_retry_or_wait_for_iam():
    aws, lines, clock = FakeAWS([denied_role(), denied_role()]), [], Clock()
    change = Change("trail", TRAIL, retry_on=("InvalidCloudWatchLogsLogGroupArnException",))
    stopped = SurvivingWriter(aws, [change], lines.append, sleep=clock.sleep, clock=clock, stop=Stopped())
    with pytest.raises(StepError, match="stopped while IAM was still propagating"):
        stopped.write(TRAIL)
    assert len(aws.sent) == 1 and clock.slept == []
