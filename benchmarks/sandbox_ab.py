"""The sandbox's own CPU per request, with and without moto_tuning's shortcuts, on one state.

    .venv/bin/python benchmarks/sandbox_ab.py large|org [--rounds 3] [--each] [--members 7]

Starts a sandbox in this process, seeds it (``large``: a smaller large account, 300 users, 100
buckets and 600 security groups; ``org``: the org scenario grown to ``--members`` members), runs
one `check` against it over HTTP while recording every request it receives, then replays those
requests straight into its WSGI app (no HTTP, one thread), alternately with every shortcut of
`wizard/sandbox/moto_tuning.py` in place and with moto's own functions put back (``--each``: also
with one shortcut at a time), and prints the CPU seconds of each replay. It also says how many
answers differ between the two with request ids and dates masked (AssumeRole's credentials are
random by design). Serving HTTP (waitress, threads, the kernel) is not in these figures: compare
the sandbox process's CPU with `benchmarks/old_vs_new.py --own-sandboxes` for that.
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
    rb"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")]


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

    return {"backends": (BackendDict, "__getitem__", "moto_getitem"),
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
    parser.add_argument("account", choices=("large", "org"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--each", action="store_true", help="also time each shortcut alone")
    parser.add_argument("--members", type=int, default=7)
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
    try:
        env = sandbox.env()
        if args.account == "large":
            seeding.large_account(env, users=300, buckets=100, groups=600)
            argv = ["check", "--format", "json", "--regions", "us-east-1"]
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

        def use(which: str) -> None:
            for name, (owner, attr, own) in shortcuts.items():
                setattr(owner, attr, tuned[name] if which in ("all", name) else getattr(tuned[name], own))

        def replay() -> list[tuple[str, bytes]]:
            answers = []
            for environ, body in requests:
                environ = dict(environ, **{"wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
                                           "wsgi.version": (1, 0), "wsgi.multithread": True,
                                           "wsgi.multiprocess": False, "wsgi.run_once": False})
                status: list[str] = []
                chunks = sandbox.app(environ, lambda s, h, exc_info=None: status.append(s))
                answers.append((status[0] if status else "", b"".join(chunks)))
                getattr(chunks, "close", lambda: None)()
            return answers

        def mask(body: bytes) -> bytes:
            for pattern in _MASKS:
                body = pattern.sub(b"#", body)
            return body

        use("all")
        replay()  # warm: moto's first use of each account and region
        with_shortcuts = replay()
        use("none")
        without = replay()
        differ = sum(a[0] != b[0] or mask(a[1]) != mask(b[1]) for a, b in zip(with_shortcuts, without))
        print(f"answers differing (ids and dates masked): {differ} of {len(requests)}", flush=True)
        cpu: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for which in ["none", "all", *(shortcuts if args.each else ())]:
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


if __name__ == "__main__":
    sys.exit(main())
