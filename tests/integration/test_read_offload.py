"""A spread fan-out's reads made in a read server process (wizard/read_offload.py), against the sandbox:
the same answers and failures as in this process, every call counted once, and a server that dies
costs nothing but time."""

from __future__ import annotations

import sys
from collections import Counter

from steps import s3
from tests.helpers import open_aws
from wizard import read_offload, worker_process
from wizard.read_offload import open_lane


def _s3_state(aws):
    aws.forget()
    return s3.collect(aws)


def test_the_s3_steps_bucket_reads_are_made_in_the_server_with_the_same_state(account, monkeypatch):
    sb = account("insecure")
    monkeypatch.setattr(read_offload, "SPREAD_MIN", 1)  # the scenario's few buckets are enough here
    here = _s3_state(open_aws(sb))  # no spreading: every read in this process

    aws = open_aws(sb, spread_reads=True)
    lane = open_lane(aws, 1)  # held open, so the step's fan-out shares this server once it is ready
    assert lane is not None and lane._server.ready.wait(60)
    spread = _s3_state(aws)
    made_here = Counter(aws.calls)
    lane.close()  # the server ends and its calls are counted as this object's
    made_there = aws.calls - made_here

    assert spread == here  # buckets' policies, ACLs, encryption, "none" answers, regions' keys: all alike
    buckets = [b for b in spread["buckets"] if "name" in b]
    assert len(buckets) >= 3
    assert made_there[("s3", "GetBucketPolicy")] == len(buckets) and made_here[("s3", "GetBucketPolicy")] == 0
    assert made_here[("s3", "ListBuckets")] == 1  # read before the fan-out, here
    assert aws.repeated_reads() == {}
    assert aws._offload._server is None  # stopped with the last spread fan-out


def test_a_read_failure_comes_back_as_the_same_unreadable_reason(account, monkeypatch):
    sb = account("insecure")
    monkeypatch.setattr(read_offload, "SPREAD_MIN", 1)
    names = ["no-such-bucket-anywhere-1", "no-such-bucket-anywhere-2"]

    def read(aws):
        return aws.per_region(lambda name: aws.try_read("s3", "GetBucketVersioning", Bucket=name), names, spread=True)

    here = read(open_aws(sb))
    aws = open_aws(sb, spread_reads=True)
    lane = open_lane(aws, 1)
    assert lane._server.ready.wait(60)
    there = read(aws)
    lane.close()
    assert there == here and "NoSuchBucket" in str(there)
    assert aws.calls[("s3", "GetBucketVersioning")] == 2


def test_reads_are_made_here_when_the_server_dies(account, monkeypatch):
    sb = account("insecure")
    monkeypatch.setattr(read_offload, "SPREAD_MIN", 1)
    # a "server" that says it is ready, takes its job and the first read, then ends without an answer
    died = ("import os, pickle, sys; os.read(0, 1 << 16); sys.stdout.buffer.write(pickle.dumps('ready')); "
            "sys.stdout.flush(); os.read(0, 1 << 16)")
    monkeypatch.setattr(worker_process, "worker_command", lambda module: [sys.executable, "-I", "-S", "-c", died])
    here = _s3_state(open_aws(sb))
    aws = open_aws(sb, spread_reads=True)
    lane = open_lane(aws, 1)
    assert lane._server.ready.wait(60)
    assert _s3_state(aws) == here  # the read in flight when it died, and every later one, made here
    lane.close()
    assert aws.repeated_reads() == {}


def test_small_fan_outs_and_other_commands_never_start_a_server(account):
    sb = account("insecure")
    aws = open_aws(sb, spread_reads=True)
    assert open_lane(aws, read_offload.SPREAD_MIN - 1) is None  # not worth a process's start
    other = open_aws(sb)  # spread_reads not asked for (everything but `check` of one account)
    assert open_lane(other, 10 * read_offload.SPREAD_MIN) is None
    s3.collect(aws)
    assert aws._offload is None


def test_a_read_refused_for_an_expired_token_is_made_here_and_so_is_every_later_one(account, monkeypatch):
    sb = account("insecure")
    monkeypatch.setattr(read_offload, "SPREAD_MIN", 1)
    # a server whose credentials have expired: it refuses every read as AWS would
    expired = ("import pickle, sys; sys.path.insert(0, sys.argv[1]); i, o = sys.stdin.buffer, sys.stdout.buffer\n"
               "pickle.load(i); o.write(pickle.dumps('ready')); o.flush()\n"
               "while True:\n"
               "    try: number = pickle.load(i)[0]\n"
               "    except EOFError: break\n"
               "    o.write(pickle.dumps((number, 'failed', ('error', 'expired', 'ExpiredToken', False, '')))); o.flush()")
    root = str(worker_process.CODE_ROOT)
    monkeypatch.setattr(worker_process, "worker_command", lambda module: [sys.executable, "-c", expired, root])
    here = _s3_state(open_aws(sb))
    aws = open_aws(sb, spread_reads=True)
    lane = open_lane(aws, 1)
    assert lane._server.ready.wait(60)
    assert _s3_state(aws) == here  # no "expired" reason anywhere: each read was made again here
    assert lane._server._gone  # after the first refusal nothing more was sent to it
    lane.close()
