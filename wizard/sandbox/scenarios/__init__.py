"""Scenario seeding: composable seed modules run in order against the running sandbox over HTTP."""

from __future__ import annotations

import threading
from typing import Protocol

import boto3
from botocore.config import Config

from wizard.aws import keep_endpoint_host
from ..state import GapState, HOME_REGION

WORKLOAD_REGIONS = ("us-east-1", "eu-west-1")
CLIENT_CONFIG = Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 3})

# One botocore model loader for every seed of this process. A new boto3 session per account and per
# reset came with its own loader, which read and parsed each service model again (gzipped JSON, ~50
# per seed): a re-seed of the insecure scenario took 2.2 s of CPU, 0.8 s with the models kept.
# Not the wizard's loader (wizard/aws_session.py): that one keeps only the operations the wizard calls.
_LOADER_LOCK = threading.Lock()
_LOADER: object = None


def _session(**kwargs: str) -> boto3.session.Session:
    import botocore.session

    global _LOADER
    core = botocore.session.Session()
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = core.get_component("data_loader")
        else:
            core.register_component("data_loader", _LOADER)
    return boto3.session.Session(botocore_session=core, **kwargs)


class Sandbox(Protocol):
    """What seeding needs of a running sandbox (``wizard.sandbox.server.Sandbox``, which imports this
    package to seed: named by its shape here, not imported back)."""

    account_id: str
    member_account_ids: list[str]
    organization_id: str | None
    seed: int

    @property
    def gaps(self) -> GapState: ...

    @property
    def endpoint_url(self) -> str: ...


class SeedContext:
    """What a seed module gets: clients into any account, the gap state, and scenario facts."""

    def __init__(self, sandbox: "Sandbox"):
        self.sandbox = sandbox
        self.gaps = sandbox.gaps
        self.account_id = sandbox.account_id
        self.home_region = HOME_REGION
        self.workload_regions = WORKLOAD_REGIONS
        self._sessions: dict[str, boto3.session.Session] = {}
        self._clients: dict[tuple[str, str, str], object] = {}
        self._lock = threading.Lock()

    @property
    def member_account_ids(self) -> list[str]:
        return self.sandbox.member_account_ids

    def session(self, account_id: str | None = None) -> boto3.session.Session:
        account_id = account_id or self.account_id
        with self._lock:
            sess = self._sessions.get(account_id)
        if sess is not None:
            return sess
        if account_id == self.account_id:
            sess = _session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=HOME_REGION)
        else:
            sts = self.client("sts")
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                    RoleSessionName="sandbox-seed")["Credentials"]
            sess = _session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=HOME_REGION)
        with self._lock:
            self._sessions[account_id] = sess
        return sess

    def client(self, service: str, region: str = HOME_REGION, account_id: str | None = None):
        key = (service, region, account_id or self.account_id)
        with self._lock:
            c = self._clients.get(key)
        if c is None:
            c = keep_endpoint_host(self.session(account_id).client(
                service, region_name=region, endpoint_url=self.sandbox.endpoint_url, config=CLIENT_CONFIG))
            with self._lock:
                self._clients[key] = c
        return c

    def accounts(self) -> list[str]:
        """The main account then the members (in the org scenario)."""
        return [self.account_id, *self.member_account_ids]


def seed_scenario(sandbox: "Sandbox", scenario: str) -> None:
    from .seeds import SEEDS

    ctx = SeedContext(sandbox)
    for module in SEEDS:
        module.seed(ctx, scenario)
