"""The per-request parts of botocore_calls.py and botocore_http.py off and on, in one process, interleaved.

    .venv/bin/python benchmarks/per_request_ab.py [--rounds 16] [--calls 1920] [--latency 50] [--parts a,b]

48 threads (the region pool's size) make EC2 DescribeVpcs calls in 8 regions and IAM ListUsers
calls against a sandbox with the given latency; each round makes ``--calls`` calls with the parts
put back to botocore's and urllib3's own ("old") or in place ("new"), alternately, and takes the
process's user and system CPU and voluntary context switches per call from ``getrusage``, and the
sandbox's CPU per call. Both
sides share the process, its clients, connections and the machine's load, which whole-process
comparisons (old_vs_new.py) cannot hold still on a loaded machine. ``--parts`` names the ones to
switch (``invocation_ids``, ``one_send``, ``pools_by_origin``, ``host_headers``, ``lean_exchange``: all five by
default; ``direct_sigv4``, ``client_contexts``, ``endpoint_params``: the tenth session's per-call parts).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._sandbox import SandboxProcess  # noqa: E402

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-south-1"]


def switches(clients: list) -> dict[str, list[tuple]]:
    """Per part: (owner, attribute, new, old) for each replaced attribute."""
    import botocore.auth
    import botocore.context
    import botocore.endpoint
    import botocore.regions

    session = clients[0]._endpoint.http_session
    manager = session._manager
    one_send = []
    for connection_class in {pool.ConnectionCls for pool in session._pool_classes_by_scheme.values()}:
        base = connection_class.__mro__[1]
        one_send += [(connection_class, name, connection_class.__dict__[name], getattr(base, name))
                     for name in ("request", "send")]
    lean_exchange = [(pool_class, "urlopen", pool_class.__dict__["urlopen"], pool_class.__mro__[1].urlopen)
                     for pool_class in session._pool_classes_by_scheme.values() if "urlopen" in pool_class.__dict__]
    return {
        "lean_exchange": lean_exchange,
        "invocation_ids": [(botocore.endpoint, "uuid", botocore.endpoint.uuid, uuid)],
        "one_send": one_send,
        "pools_by_origin": [(manager, "connection_from_url", manager.connection_from_url,
                             manager.connection_from_url.__wrapped__)],
        "host_headers": [(botocore.auth, "_host_from_url", botocore.auth._host_from_url,
                          botocore.auth._host_from_url.__wrapped__)],
        # The tenth session's per-call parts (wizard/botocore_sigv4.py, botocore_calls.py, botocore_endpoint_params.py)
        "direct_sigv4": [(botocore.auth.AUTH_TYPE_MAPS, name, signer, signer.__mro__[2])
                         for name, signer in list(botocore.auth.AUTH_TYPE_MAPS.items()) if name in ("v4", "s3v4")],
        "client_contexts": [(botocore.context, "start_as_current_context", botocore.context.start_as_current_context,
                             botocore.context.start_as_current_context.__wrapped__)],
        "endpoint_params": [(botocore.regions.EndpointRulesetResolver, "_get_provider_params",
                             botocore.regions.EndpointRulesetResolver._get_provider_params,
                             botocore.regions.EndpointRulesetResolver._get_provider_params.__wrapped__)],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--calls", type=int, default=1920)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--parts", default="invocation_ids,one_send,pools_by_origin,host_headers,lean_exchange")
    parser.add_argument("--threads", type=int, default=48,
                        help="1 with --latency 0: one thread's CPU per call, without the GIL's hand-overs")
    parser.add_argument("--mix", choices=("plain", "check"), default="plain",
                        help="check: a check's kinds of call in turn (paginated EC2 and IAM reads, S3 bucket reads, KMS)")
    args = parser.parse_args()
    with SandboxProcess("insecure") as sandbox:
        sandbox.latency(args.latency)
        os.environ.update({k: v for k, v in sandbox.child_env().items() if k.startswith(("AWS_", "XDG_"))})
        from wizard.aws import AWS

        aws = AWS(max_workers=48)
        clients = [aws.client("ec2", region) for region in REGIONS] + [aws.client("iam")]
        chosen = [entry for part in args.parts.split(",") for entry in switches(clients)[part]]

        def setting(new: bool) -> None:
            for owner, name, replacement, original in chosen:
                if isinstance(owner, dict):  # botocore.auth.AUTH_TYPE_MAPS
                    owner[name] = replacement if new else original
                else:
                    setattr(owner, name, replacement if new else original)

        s3, kms = aws.client("s3"), aws.client("kms", REGIONS[0])
        buckets = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] or ["none"]

        def call(number: int) -> None:
            client = clients[number % len(clients)]
            if args.mix == "plain":
                client.list_users() if client is clients[-1] else client.describe_vpcs()
            elif number % 4 == 0:  # a bucket's read (its error answer is one too)
                try:
                    s3.get_bucket_encryption(Bucket=buckets[number % len(buckets)])
                except s3.exceptions.ClientError:
                    pass
            elif number % 4 == 1:
                kms.list_keys()
            else:  # a paginated read: one page
                operation = "list_users" if client is clients[-1] else "describe_security_groups"
                for _ in client.get_paginator(operation).paginate():
                    pass

        pool = ThreadPoolExecutor(args.threads)
        list(pool.map(call, range(200)))  # connections opened, operations' first use behind
        figures: dict[str, list[tuple[float, float, float, float]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for name in ("old", "new"):
                setting(name == "new")
                before, served = resource.getrusage(resource.RUSAGE_SELF), sandbox.cpu_seconds()
                list(pool.map(call, range(args.calls)))
                after, served = resource.getrusage(resource.RUSAGE_SELF), sandbox.cpu_seconds() - served
                figures[name].append(((after.ru_utime - before.ru_utime) / args.calls * 1e6,
                                      (after.ru_stime - before.ru_stime) / args.calls * 1e6,
                                      (after.ru_nvcsw - before.ru_nvcsw) / args.calls, served / args.calls * 1e6))
        setting(True)
        for name, rounds in figures.items():
            total = statistics.median(r[0] + r[1] for r in rounds)
            print(f"{name}: per call user {statistics.median(r[0] for r in rounds):.0f} us, system "
                  f"{statistics.median(r[1] for r in rounds):.0f} us, total {total:.0f} us, voluntary switches "
                  f"{statistics.median(r[2] for r in rounds):.1f}; the sandbox "
                  f"{statistics.median(r[3] for r in rounds):.0f} us (medians of {len(rounds)})")
        lower = sum(n[0] + n[1] < o[0] + o[1] for o, n in zip(figures["old"], figures["new"]))
        print(f"new lower in {lower} of {args.rounds} rounds; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
