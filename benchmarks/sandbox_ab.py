"""The sandbox's own CPU per request, with and without moto_tuning's shortcuts, on one state.

    .venv/bin/python benchmarks/sandbox_ab.py large|org|one [--rounds 3] [--each] [--members 7] [--direct] [--new A,B]

Starts a sandbox in this process, seeds it (``large``: a smaller large account, 300 users, 100
buckets and 600 security groups; ``org``: the org scenario grown to ``--members`` members), runs
one `check` against it over HTTP while recording every request it receives, then replays those
requests straight into its WSGI app (no HTTP, one thread), alternately with every shortcut of
`wizard/sandbox/moto_tuning.py` in place and with moto's own functions put back (``--each``: also
with one shortcut at a time; ``--new A,B``: every other shortcut on both sides, A and B only on one), and
prints the CPU seconds of each replay. It also says how many
answers differ between the two with request ids and dates masked (AssumeRole's credentials are
random by design). Serving HTTP (waitress, threads, the kernel) is not in these figures: compare
the sandbox process's CPU with `benchmarks/old_vs_new.py --own-sandboxes` for that.

``--direct`` compares moto's handlers called through Flask with `wizard/sandbox/moto_direct.py`'s
direct path instead (shortcuts in place on both sides): every answer byte for byte (status, every
header, body; request ids, dates and AssumeRole's fresh credentials masked), how many requests took
the direct path, and the CPU of each replay. ``one``: the insecure account, two regions.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

_MASKS = [re.compile(p) for p in (
    rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", rb"\b[A-Za-z0-9]{52}\b",
    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?", rb"\b1\d{9}(\.\d+)?\b",
    rb"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
    # AssumeRole's fresh credentials (random by design)
    rb"(?<=<AccessKeyId>)[^<]*", rb"(?<=<SecretAccessKey>)[^<]*", rb"(?<=<SessionToken>)[^<]*")]
_RANDOM_HEADERS = frozenset(("date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "x-amzn-request-id"))


def _shortcuts() -> dict[str, tuple[object, str, str]]:
    """name -> (owner, attribute, attribute of the shortcut holding moto's own function)."""
    import moto.iam.models as iam_models
    import xmltodict
    from moto.core import serialize
    from moto.ec2.models.tags import TagBackend
    from moto.moto_api._internal.moto_random import MotoRandom
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    import moto.core.utils as moto_utils
    from moto.core.base_backend import BackendDict
    from moto.ec2.models.subnets import SubnetBackend

    import moto.utilities.paginator as paginator
    from moto.core.responses import BaseResponse

    return {"values": (serialize.ResponseSerializer, "get_value", "moto_get_value"),
            "unparse": (xmltodict, "unparse", "xmltodict_unparse"),
            "request_id": (BaseResponse, "_enrich_response", "moto_enrich_response"),
            "backends": (BackendDict, "__getitem__", "moto_getitem"),
            "signatures": (paginator, "inspect", "moto_inspect"),
            "service": (moto_utils, "service_name_from_moto_package_name", "moto_service_name_from_moto_package_name"),
            "subnet": (SubnetBackend, "create_default_subnet", "moto_create_default_subnet"),
            "tags": (TagBackend, "describe_tags", "moto_describe_tags"),
            "host": (DomainDispatcherApplication, "get_backend_for_host", "moto_get_backend_for_host"),
            "account": (iam_models, "get_account_id_from", "moto_get_account_id_from"),
            "names": (serialize.XFormedAttributePicker, "get_possible_keys", "moto_get_possible_keys"),
            "random": (MotoRandom, "get_random_string", "moto_get_random_string"),
            "xml": (xmltodict, "_validate_name", "xmltodict_validate_name")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("account", choices=("large", "org", "one"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--each", action="store_true", help="also time each shortcut alone")
    parser.add_argument("--members", type=int, default=7)
    parser.add_argument("--direct", action="store_true", help="Flask's path against moto_direct's instead")
    parser.add_argument("--new", default="", help="comma-separated shortcuts: every other one on both sides, "
                        "these only on the new side (old: 'without')")
    args = parser.parse_args()
    from benchmarks import seeding
    from wizard.sandbox import app as app_module
    from wizard.sandbox.requests import read_body
    from wizard.sandbox.server import Sandbox

    recorded: list[tuple[dict, bytes]] = []
    serve = app_module.SandboxApp.__call__

    def recording(app, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/_sandbox"):
            recorded.append(({k: v for k, v in environ.items() if isinstance(v, str)}, read_body(environ)))
        return serve(app, environ, start_response)

    app_module.SandboxApp.__call__ = recording
    sandbox = Sandbox("org" if args.account == "org" else "insecure").start()
    direct = sandbox.app.moto_app
    try:
        env = sandbox.env()
        if args.account == "large":
            seeding.large_account(env, users=300, buckets=100, groups=600)
            argv = ["check", "--format", "json", "--regions", "us-east-1"]
        elif args.account == "one":
            argv = ["check", "--format", "json", "--regions", "us-east-1", "eu-west-1"]
        else:
            seeding.more_members(env, args.members)
            argv = ["check", "--org", "--format", "json", "--regions", "us-east-1", "eu-west-1"]
        recorded.clear()
        with tempfile.TemporaryDirectory() as tmp:
            child = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            child.update(env, AWS_EC2_METADATA_DISABLED="true", AWS_ESSENTIALS_STATE_DIR=tmp, HOME=tmp,
                         AWS_CONFIG_FILE=f"{tmp}/config", AWS_SHARED_CREDENTIALS_FILE=f"{tmp}/credentials")
            subprocess.run([sys.executable, "-m", "wizard", *argv], cwd=ROOT, env=child, capture_output=True)
        app_module.SandboxApp.__call__ = serve
        requests = list(recorded)
        print(f"{len(requests)} requests recorded", flush=True)
        shortcuts = _shortcuts()
        tuned = {name: getattr(owner, attr) for name, (owner, attr, _own) in shortcuts.items()}

        new = set(filter(None, args.new.split(",")))
        if new - set(shortcuts):
            parser.error(f"--new: unknown shortcut(s) {sorted(new - set(shortcuts))}; choose from {sorted(shortcuts)}")

        def use(which: str) -> None:
            for name, (owner, attr, own) in shortcuts.items():
                on = which in ("all", name) or which == "without" and name not in new
                chosen = tuned[name] if on else getattr(tuned[name], own)
                static = isinstance(owner, type) and isinstance(vars(owner).get(attr), staticmethod)
                setattr(owner, attr, staticmethod(chosen) if static else chosen)

        def replay() -> list[tuple[str, list, bytes]]:
            answers = []
            for environ, body in requests:
                environ = dict(environ, **{"wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
                                           "wsgi.version": (1, 0), "wsgi.multithread": True,
                                           "wsgi.multiprocess": False, "wsgi.run_once": False})
                answer: list = []
                chunks = sandbox.app(environ, lambda s, h, exc_info=None: answer.extend((s, h)))
                answers.append((answer[0] if answer else "", answer[1] if answer else [], b"".join(chunks)))
                getattr(chunks, "close", lambda: None)()
            return answers

        def mask(body: bytes) -> bytes:
            for pattern in _MASKS:
                body = pattern.sub(b"#", body)
            return body

        if args.direct:
            return _direct_ab(sandbox, direct, replay, mask, len(requests), args.rounds)
        base = "without" if new else "none"
        use("all")
        replay()  # warm: moto's first use of each account and region
        with_shortcuts = replay()
        use(base)
        without = replay()
        differ = [i for i, (a, b) in enumerate(zip(with_shortcuts, without)) if not _same(a, b, mask)]
        print(f"answers differing (status, headers, body; ids, dates, fresh credentials masked): {len(differ)} "
              f"of {len(requests)}", flush=True)
        _show(differ, with_shortcuts, without, "shortcuts", "moto")
        cpu: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for which in [base, "all", *(shortcuts if args.each else ())]:
                use(which)
                started = time.process_time()
                replay()
                cpu.setdefault(which, []).append(round(time.process_time() - started, 3))
        use("all")
        for which, seconds in cpu.items():
            print(f"{which}: CPU {seconds} s, median {sorted(seconds)[len(seconds) // 2]} s, "
                  f"{1000 * min(seconds) / len(requests):.3f} ms a request at best", flush=True)
        return 0
    finally:
        sandbox.stop()


def _same(a, b, mask) -> bool:
    """Two answers alike: status, every header and the body, random parts (ids, dates, fresh credentials) masked."""
    def norm(answer):
        status, headers, body = answer
        masked = mask(body)
        # a masked body's length may differ (a float "now" varies in its digits): its own length is checked
        ok = all(k.lower() != "content-length" or int(v) == len(body) for k, v in headers)
        return (status, ok, [(k, "#" if k.lower() in _RANDOM_HEADERS or k.lower() == "content-length" and
                              masked != body else mask(v.encode("latin-1"))) for k, v in headers], masked)

    return norm(a) == norm(b)


def _show(differ: list, one: list, other: list, one_name: str, other_name: str) -> None:
    for i in differ[:3]:
        print(f"  {one_name}: ", one[i][:2], one[i][2][:300], f"\n  {other_name}:", other[i][:2], other[i][2][:300])


def _direct_ab(sandbox, direct, replay, mask, count: int, rounds: int) -> int:
    """Flask's path (moto's dispatcher alone) against moto_direct's, on the recorded requests."""
    flask = getattr(direct, "dispatcher", direct)
    if flask is direct:
        print("moto_direct is off (another moto or Flask version): nothing to compare")
        return 1

    sandbox.app.moto_app = flask
    replay()  # warm: moto's first use of each account and region
    through_flask = replay()
    sandbox.app.moto_app = direct
    before = dict(direct.counts)
    through_direct = replay()
    taken = {k: v - before[k] for k, v in direct.counts.items()}
    differ = [i for i, (a, b) in enumerate(zip(through_flask, through_direct)) if not _same(a, b, mask)]
    print(f"answers differing (status, headers, body; ids, dates, fresh credentials masked): {len(differ)} "
          f"of {count}; the direct path answered {taken}", flush=True)
    _show(differ, through_flask, through_direct, "flask", "direct")
    cpu: dict[str, list[float]] = {"flask": [], "direct": []}
    for _ in range(rounds):
        for which, moto_app in (("flask", flask), ("direct", direct)):
            sandbox.app.moto_app = moto_app
            started = time.process_time()
            replay()
            cpu[which].append(round(time.process_time() - started, 3))
    sandbox.app.moto_app = direct
    for which, seconds in cpu.items():
        print(f"{which}: CPU {seconds} s, median {sorted(seconds)[len(seconds) // 2]} s, "
              f"{1000 * min(seconds) / count:.3f} ms a request at best", flush=True)
    return 0 if not differ else 2


if __name__ == "__main__":
    sys.exit(main())
