"""Sandbox: moto's server in-process on 127.0.0.1 with the gap layer in front of it."""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # before moto's ec2 is imported

from .faults import Faults  # noqa: E402
from .state import DEFAULT_ACCOUNT_ID, GapState  # noqa: E402

SCENARIOS = ("empty", "insecure", "secure", "org")
REGION = "us-east-1"


class Sandbox:
    """The embedded AWS account: moto's server and the gap layer on 127.0.0.1 (DESIGN.md section 5)."""

    def __init__(self, scenario: str = "insecure", port: int = 0, latency_ms: int = 0, fault_rate: float = 0.0,
                 fault_kinds=("throttle", "5xx", "denied"), seed: int = 0, host: str = "127.0.0.1",
                 realism=None, snapshots: bool = True):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        self.scenario = scenario
        self.seed = seed
        self.host = host
        self._port = port
        self._gaps = GapState()
        # Whether anything may have changed since the last seed: reset() skips re-seeding a clean
        # account, which makes read-only tests cheap.
        self.dirty = True
        self.faults = Faults(rate=0.0, kinds=fault_kinds, seed=seed, latency_ms=0)
        from .iam_enforce import IamEnforcement

        self.iam_enforcement = IamEnforcement()  # off until set_iam_enforcement(True)
        self._initial_faults = (fault_rate, tuple(fault_kinds), latency_ms)
        self.account_id = DEFAULT_ACCOUNT_ID
        self.member_account_ids: list[str] = []
        self.organization_id: str | None = None
        self.last_seed_seconds: float | None = None
        # scenario -> its seeded account (snapshot.py): a scenario is seeded once, then restored
        self.snapshots = snapshots
        self._snapshots: dict[str, object] = {}
        self._server = None
        self._reset_lock = threading.Lock()
        self.realism = realism  # wizard.sandbox.realism.Realism: AWS's hard edges on (None: off)
        self._realism_layer = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "Sandbox":
        from moto.moto_server import werkzeug_app
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        # moto wraps every service in flask_cors unless this is set (read when each service's app is
        # made); the gap layer refuses cross-origin requests as well (app.py, _refuse_browser).
        werkzeug_app.DISABLE_GLOBAL_CORS = True

        from . import macie_default, managed_policies, moto_direct, moto_serialize, moto_tuning, xml_unparse
        from .app import SandboxApp
        from .http_server import HttpServer

        managed_policies.install()
        macie_default.install()
        moto_tuning.install()
        moto_serialize.install()  # the serializer's value picking planned (moto 5.2.5)
        xml_unparse.install()  # moto's XML answers written without SAX events (xmltodict 1.0.4)
        moto_app = moto_direct.wrap(DomainDispatcherApplication(create_backend_app))  # Flask's contexts skipped
        self.app = SandboxApp(moto_app, self._gaps, self.faults, self._control, on_write=self._mark_dirty,
                              enforcement=self.iam_enforcement)
        self.set_realism(self.realism, reset=False)
        self._server = HttpServer(self.app, self.host, self._port)
        self._port = self._server.port
        self.reset(self.scenario)
        rate, kinds, latency = self._initial_faults
        self.faults.set(rate=rate, kinds=kinds)
        self.faults.set_latency(latency)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    # -- state -----------------------------------------------------------------------------
    @property
    def gaps(self) -> GapState:
        """The gap layer's state. Handing it out counts as a change: the caller may edit it."""
        self.dirty = True
        if getattr(self, "app", None) is not None:
            self.app.generation += 1
        return self._gaps

    def _mark_dirty(self) -> None:
        self.dirty = True

    def reset(self, scenario: str | None = None, force: bool = False) -> float:
        """Wipe moto and gap state, seed `scenario`; returns the seconds it took.

        When the account is still exactly as the same scenario seeded it (no write request, no
        console action, no access to the gap state since), nothing is done unless ``force``.
        A scenario seeded before is restored from its snapshot instead of seeded again.
        """
        scenario = scenario or self.scenario
        if not force and not self.dirty and scenario == self.scenario:
            return 0.0
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
        from moto.core.base_backend import BackendDict
        from moto.core.model_instances import reset_model_data

        from . import snapshot
        from .scenarios import seed_scenario

        with self._reset_lock:
            t0 = time.perf_counter()
            saved = self.faults.config, self.faults.latency_ms
            self.faults.set(rate=0.0)  # seeding never sees faults or latency
            self.faults.set_latency(0)
            self.app.realism = None  # seeding is not subject to AWS's delays
            try:
                self.scenario = scenario
                seeded = self._snapshots.get(scenario) if self.snapshots else None
                if seeded is not None:
                    snapshot.restore(self, seeded)
                else:
                    BackendDict.reset()
                    reset_model_data()
                    self._gaps.reset()
                    self.member_account_ids = []
                    self.organization_id = None
                    seed_scenario(self, scenario)
                    if self.snapshots:
                        self._snapshots[scenario] = snapshot.take(self)
                if self._realism_layer is not None:
                    self._realism_layer.reset()
                self.dirty = False
                self.app.generation += 1
            finally:
                self.app.realism = self._realism_layer
                cfg, latency = saved
                self.faults.set(rate=cfg.rate, kinds=cfg.kinds, services=cfg.services,
                                operations=cfg.operations, deny_actions=cfg.deny_actions,
                                max_attempt=cfg.max_attempt)
                self.faults.set_latency(latency)
            self.last_seed_seconds = time.perf_counter() - t0
            return self.last_seed_seconds

    def set_faults(self, rate: float = 0.0, kinds=("throttle",), services=None, operations=None, deny_actions=(),
                   max_attempt: int = 0) -> None:
        """Inject faults; ``max_attempt=N`` faults only a request's first N attempts (retries then succeed)."""
        self.faults.set(rate=rate, kinds=tuple(kinds), services=services, operations=operations,
                        deny_actions=deny_actions, max_attempt=max_attempt)

    def set_iam_enforcement(self, enabled: bool) -> None:
        """Judge requests signed by IAM users' keys by their identity policies (see iam_enforce.py)."""
        self.iam_enforcement.set(enabled)

    def set_realism(self, realism, reset: bool = True) -> None:
        """Turn AWS's hard edges on (a ``Realism``) or off (None), with nothing remembered yet;
        ``reset`` re-seeds the scenario."""
        from .realism import RealismLayer

        self.realism = realism
        self._realism_layer = RealismLayer(realism) if realism is not None else None
        self.app.realism = self._realism_layer
        if reset:
            self.reset(self.scenario, force=True)

    @property
    def realism_state(self):
        """What the realism rules remember (``RealismState``), or None when the sandbox is not realistic."""
        return self._realism_layer.state if self._realism_layer is not None else None

    def set_latency(self, ms: int) -> None:
        self.faults.set_latency(ms)

    def expire_credential_report(self, account_id: str) -> None:
        """The account's credential report made old: the next GenerateCredentialReport answers STARTED."""
        from .realism.iam import forget_credential_report

        forget_credential_report(account_id)
        state = self.realism_state
        if state is not None:
            with state.lock:
                state.cache.pop((account_id, "credential-report"), None)

    def console(self, action: str, account_id: str | None = None, **kwargs) -> dict:
        """Simulate a console-only action (sandbox only): see scenarios.console.ACTIONS."""
        from .scenarios.console import run_console_action

        return run_console_action(self, account_id or self.account_id, action, **kwargs)

    # -- control endpoint (/_sandbox/...) ---------------------------------------------------
    def _control(self, name: str, payload: dict):
        if name == "reset":
            seconds = self.reset(payload.get("scenario") or self.scenario)
            return {"scenario": self.scenario, "seconds": round(seconds, 3),
                    "account_id": self.account_id, "member_account_ids": self.member_account_ids}
        if name == "faults":
            self.set_faults(rate=payload.get("rate", 0.0), kinds=tuple(payload.get("kinds", ("throttle",))),
                            services=payload.get("services"), operations=payload.get("operations"),
                            deny_actions=payload.get("deny_actions", ()), max_attempt=payload.get("max_attempt", 0))
            return {"ok": True}
        if name == "iam_enforcement":
            self.set_iam_enforcement(bool(payload.get("enabled", False)))
            return {"ok": True, "enabled": self.iam_enforcement.enabled}
        if name == "realism":
            from .realism import Realism

            on = bool(payload.get("enabled", True))
            self.set_realism(Realism(delay_s=float(payload.get("delay_s", 3.0))) if on else None)
            return {"ok": True, "enabled": on}
        if name == "latency":
            self.set_latency(int(payload.get("ms", 0)))
            return {"ok": True}
        if name == "console":
            self.dirty = True
            if "action" not in payload:
                raise ValueError("console needs an 'action'")
            extra = {k: v for k, v in payload.items() if k not in ("action", "account_id")}
            return self.console(payload["action"], payload.get("account_id"), **extra)
        if name == "expire_credential_report":
            # As if the account's credential report were older than four hours: the next
            # GenerateCredentialReport starts a new one (benchmarks of a first run, tests).
            self.expire_credential_report(payload.get("account_id") or self.account_id)
            return {"ok": True}
        if name == "state":
            return {"scenario": self.scenario, "account_id": self.account_id,
                    "member_account_ids": self.member_account_ids, "endpoint_url": self.endpoint_url}
        raise KeyError(name)
