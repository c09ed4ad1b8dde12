"""AWS access: credentials, clients, regions, concurrency, retries, and the read cache.

One :class:`AWS` object serves one run against one account (how to reach it, the :class:`Target`,
and its sessions are in wizard/aws_session.py). It

- builds clients lazily (never at import time) from one botocore session, under the session's own
  lock, and shares them between threads: botocore clients are thread-safe once built, sessions
  are not, and clients are heavy, so one per (service, region) is the right number (their
  classes, service models and endpoint rulesets are made once per service for the whole
  process: wizard/botocore_sharing.py; member accounts share theirs: wizard/aws_members.py);
- makes each distinct read once per run (a cache keyed by service, operation, region and
  parameters, with pagination normalised; concurrent callers of the same read wait for the
  first; definite failures such as "no such thing" or access denied are kept too, transient
  ones are tried again);
- turns failures into :class:`ReadFailed` with a kind (denied, unsupported, throttled, error)
  that steps record as UNKNOWN, never as FAIL (wizard/aws_errors.py);
- runs regional work in a bounded thread pool, and a large fan-out of S3 reads in a lane of its own
  whose reads a second process makes (wizard/read_offload.py).
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping, TypeVar

from steps.base import Call, StepError, unreadable
from steps.validators import REGION_PATTERN  # noqa: F401  (the one region check; name kept for callers)
# Re-exported: the rest of the wizard imports these names from here.
from wizard.safe_text import clean
from wizard.aws_counts import CallCounts
from wizard.aws_answers import Answer, Pending, means_none, merge_pages
from wizard.aws_members import MemberClients, acting_for, can_share, member_client
from wizard.read_offload import LOCAL, Offload, open_lane
from wizard.process_memory import collect_less, limit_malloc_arenas
from wizard.aws_errors import (  # noqa: F401
    DENIED_CODES, IAM_ACTION_OVERRIDES, IAM_PREFIX, THROTTLE_CODES, TRANSIENT_CODES, UNSUPPORTED_CODES,
    ReadFailed, describe_error, iam_action,
)
from wizard.aws_session import (  # noqa: F401
    Credentials, Target, _environment_proxies, _remember_params, keep_endpoint_host, new_session,
)

T = TypeVar("T")

DEFAULT_REGION = "us-east-1"
GLOBAL_SERVICES = frozenset({"iam", "sts", "organizations", "account", "s3control", "route53", "cloudfront"})


class AWS(CallCounts):
    """Everything a run needs from AWS, for one account. See the module docstring."""

    def __init__(self, target: Target | None = None, *, regions: Iterable[str] | None = None,
                 max_workers: int = 48, max_attempts: int = 6, parent: "AWS | None" = None,
                 spread_reads: bool = False) -> None:
        self.target = target or Target()
        self.parent = parent
        # A large fan-out marked ``spread`` may run in a lane of its own, its reads made in a read server
        # process (wizard/read_offload.py): `check` of one account asks for it
        self.spread_reads = spread_reads
        self._offload: Offload | None = None
        limit_malloc_arenas()  # once, before any thread reads: an arena per thread kept ~25 MB more
        collect_less()  # once: the models and clients live as long as the process
        self.requested_regions = tuple(regions) if regions else None
        # Regional reads mostly wait on the network: the pool is sized for latency, not for cores.
        self.max_workers = max_workers
        self.max_attempts = max_attempts
        self._lock = threading.Lock()  # counters and the read cache: held only for dict updates
        self._session_lock = threading.RLock()  # the session (not thread-safe) and client building
        self._session: Any = None
        self._clients: dict[tuple[str, str], Any] = {}
        self._members: MemberClients | None = None  # the clients this object's member accounts share
        self._cache: dict[str, "Pending | Answer"] = {}  # a read in flight, then its answer
        self._pool: ThreadPoolExecutor | None = None
        self._start_counting()  # calls, requests, call_log, read_log, polls (wizard/aws_counts.py)

    # --- session and clients ---------------------------------------------------------------------

    @property
    def home_region(self) -> str:
        return self.target.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION

    def _get_session(self) -> Any:
        if self._session is not None:
            return self._session
        with self._session_lock:
            if self._session is None:
                session = self._new_session()
                # Registered on the session, these are copied into every client it builds.
                session.events.register("before-parameter-build", _remember_params)
                session.events.register("before-call", self._count_call)
                session.events.register("before-send", self._count_request)
                self._session = session
            return self._session

    def _new_session(self) -> Any:
        from botocore.exceptions import ProfileNotFound

        target = self.target
        if target.role_arn:
            session = self._assume()
        elif target.credentials:
            session = new_session(
                aws_access_key_id=target.credentials.access_key_id,
                aws_secret_access_key=target.credentials.secret_access_key,
                aws_session_token=target.credentials.session_token,
                region_name=self.home_region,
            )
        else:
            # botocore reads AWS_PROFILE itself when no profile is given, and fails on a missing one
            # only later; check it here, by name
            from_env = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
            name = target.profile or from_env
            try:
                session = new_session(profile_name=target.profile, region_name=self.home_region)
                if name and name not in session.available_profiles:
                    raise ProfileNotFound(profile=name)
            except ProfileNotFound as error:
                name = name or error.kwargs.get("profile", "")
                variable = "AWS_PROFILE" if os.environ.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
                source = "" if target.profile else f" (set by {variable})"
                raise StepError(
                    f"the AWS profile '{clean(str(name))[:64]}'{source} does not exist",
                    "list the profiles with `aws configure list-profiles`, or set up one with `aws configure`",
                ) from None
        return session

    def _assume(self) -> Any:
        """A session for ``target.role_arn``, assumed with the parent's (or the base) credentials."""
        from botocore.exceptions import ClientError

        from wizard.root_caller import refuse_root_client

        target = self.target
        if self.parent is not None:
            sts = self.parent.client("sts")
        else:
            base = AWS(Target(profile=target.profile, region=target.region, endpoint_url=target.endpoint_url,
                              credentials=target.credentials))
            sts = base.client("sts")
        params: dict[str, Any] = {"RoleArn": target.role_arn, "RoleSessionName": target.role_session_name}
        if target.external_id:
            params["ExternalId"] = target.external_id
        try:
            creds = sts.assume_role(**params)["Credentials"]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "") or "error"
            refuse_root_client(sts, "--role-arn" if self.parent is None else "a member account's role")
            hint = "check that the role exists and its trust policy allows your identity"
            if not target.external_id and self.parent is None:
                hint += "; pass --external-id if the role requires one"
            raise StepError(f"could not assume {target.role_arn} ({code})", hint) from None
        except Exception as error:  # noqa: BLE001 - no credentials, no endpoint: say which
            raise StepError(f"could not assume {target.role_arn}: {describe_error(error, 'sts', 'AssumeRole').reason}",
                            "check the credentials you start from") from None
        return new_session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=self.home_region,
        )

    @property
    def access_key_id(self) -> str | None:
        """The access key id this run signs with (no API call), or None when there are no credentials."""
        credentials = self.frozen_credentials()
        return credentials.access_key_id if credentials else None

    def frozen_credentials(self) -> Credentials | None:
        """The credentials this run signs with right now (None without any), to hand to a worker."""
        credentials = self._get_session().get_credentials()
        if credentials is None:
            return None
        frozen = credentials.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)

    def frozen_target(self) -> Target:
        """This account as it is reached now (current credentials, endpoint and region), to hand to a worker."""
        return Target(region=self.home_region, endpoint_url=self.target.endpoint,
                      credentials=self.frozen_credentials(), label=self.target.label)

    @property
    def credential_method(self) -> str:
        """How botocore found the credentials ("env", "sso", "shared-credentials-file", ...), or ""."""
        try:
            credentials = self._get_session().get_credentials()
        except Exception:  # noqa: BLE001 - only a description
            return ""
        return (getattr(credentials, "method", "") or "") if credentials else ""

    def use_credentials(self, credentials: Credentials) -> None:
        """Sign every later call of this run with ``credentials`` (after a verified key rotation)."""
        with self._session_lock:
            self.target = replace(self.target, credentials=credentials, profile=self.target.profile)
            self._session = None
            self._clients = {}
        self.forget()

    def member(self, account_id: str, role_name: str = "OrganizationAccountAccessRole") -> "AWS":
        """An AWS object for a member account, reached by assuming ``role_name`` there.

        It shares this object's region pool and credentials; its session is made on first use.
        """
        target = Target(
            region=self.target.region, endpoint_url=self.target.endpoint_url,
            role_arn=f"arn:aws:iam::{account_id}:role/{role_name}", label=account_id,
        )
        child = AWS(target, regions=self.requested_regions, max_workers=self.max_workers,
                    max_attempts=self.max_attempts, parent=self)
        return child

    def _config(self, service: str) -> Any:
        from botocore.config import Config

        endpoint = self.target.endpoint
        options: dict[str, Any] = {
            "retries": {"mode": "standard", "max_attempts": self.max_attempts},
            "max_pool_connections": max(10, self.max_workers),
            "connect_timeout": 5,
            "read_timeout": 60,
        }
        if endpoint:
            # With an endpoint override, s3control would otherwise put the account id in the host.
            options["inject_host_prefix"] = False
            if service in ("s3", "s3control"):
                options["s3"] = {"addressing_style": "path"}
        if not _environment_proxies():
            # Saying so spares botocore a scan of the whole environment for every client it builds.
            options["proxies"] = {}
        return Config(**options)

    def client(self, service: str, region: str | None = None) -> Any:
        """A shared client for ``service`` in ``region`` (global services use the home region)."""
        key = (service, region or self.home_region)
        client = self._clients.get(key)  # built clients are read without a lock
        if client is not None:
            return client
        with self._session_lock:
            client = self._clients.get(key)
            if client is None:
                shared = self.parent is not None and can_share()  # one client for all members: aws_members.py
                client = self._clients[key] = member_client(self, *key) if shared else self._build_client(*key)
            return client

    def _build_client(self, service: str, region: str, session: Any = None) -> Any:
        client = (session or self._get_session()).client(
            service, region_name=region, endpoint_url=self.target.endpoint, config=self._config(service)
        )
        if self.target.endpoint and service == "s3control":
            keep_endpoint_host(client)
        return client

    # --- identity and regions ---------------------------------------------------------------------

    def identity(self) -> dict[str, Any]:
        """``sts:GetCallerIdentity``, once per run. Raises StepError when there is no way in."""
        try:
            return self.read("sts", "GetCallerIdentity")
        except ReadFailed as failed:
            if "no AWS credentials" in failed.reason:
                raise StepError(
                    "no AWS credentials were found",
                    "run `aws configure`, pass --profile, or try `aws-essentials demo` first",
                ) from None
            raise StepError(f"could not identify the caller: {failed.reason}",
                            "check the credentials and the network") from None

    @property
    def account_id(self) -> str:
        return self.identity()["Account"]

    @property
    def caller_arn(self) -> str:
        return self.identity()["Arn"]

    def enabled_regions(self) -> list[str]:
        """The account's enabled regions, sorted (``ec2:DescribeRegions``).

        Read with AllRegions, which adds the regions not enabled for the account with OptInStatus
        "not-opted-in" (EC2 API reference, DescribeRegions): the same read then tells the reports
        which regions were left out and why (wizard/aws_regions.py), with no second call.
        """
        try:
            answer = self.read("ec2", "DescribeRegions", AllRegions=True)
        except ReadFailed as failed:
            raise StepError(f"could not list the account's regions: {failed.reason}",
                            "pass --regions to name them, or grant ec2:DescribeRegions") from None
        return sorted(r["RegionName"] for r in answer.get("Regions", []) if r.get("OptInStatus") != "not-opted-in")

    def regions(self) -> list[str]:
        """The regions in scope: the enabled ones, or those asked for with ``--regions``."""
        enabled = self.enabled_regions()
        if not self.requested_regions:
            return enabled
        return [r for r in self.requested_regions if r in enabled]

    def check_regions(self) -> None:
        """Raise StepError naming any requested region that is unknown or not enabled."""
        if not self.requested_regions:
            return
        enabled = self.enabled_regions()
        for region in self.requested_regions:
            if region not in enabled:
                raise StepError(
                    f"region '{region}' is not enabled in this account",
                    f"choose from: {', '.join(enabled)}",
                )

    # --- reads ------------------------------------------------------------------------------------

    def read(self, service: str, operation: str, region: str | None = None, *,
             missing: Iterable[str] = (), paginate: bool = False,
             until: Callable[[Any], bool] | None = None, attempts: int = 20, delay: float = 0.5,
             **params: Any) -> Any:
        """Make a read once per run and return its response (without ResponseMetadata).

        ``missing`` lists error codes that mean "there is none" (e.g. NoSuchBucketPolicy), or
        "Code: message fragment" where AWS reuses a code (Macie off is "AccessDeniedException: Macie is
        not enabled"); they return None. With ``paginate``, every page is fetched and list fields are concatenated.
        With ``until``, the read is repeated (up to ``attempts`` times, ``delay`` seconds apart)
        until ``until(response)`` is true, for a state that AWS builds in the background (a
        credential report); every step asking for it shares that one wait. Other failures raise
        :class:`ReadFailed`.
        """
        from botocore import xform_name

        if service in GLOBAL_SERVICES or region is None:
            region = self.home_region
        if paginate and not self.client(service, region).can_paginate(xform_name(operation)):
            paginate = False  # the same read, whichever way a step asked for it
        sent = json.dumps(params, sort_keys=True, default=str)  # once per read: the cache key and the log
        key = f"{service} {operation} {region} {paginate} {sent}"
        with self._lock:
            held = self._cache.get(key)
            owner = held is None  # this thread makes the read; others asking meanwhile wait on its Pending
            if owner:
                held = self._cache[key] = Pending()
                self.read_log.append((service, operation, region, sent))
        if owner:
            def send() -> Any:
                response = self._send_read(service, operation, region, paginate, params)
                return response if until is None else self._poll(until, attempts, delay, response, service,
                                                                 operation, region, params)
            self._answer(key, held, send)
        try:
            return held.result()
        except ReadFailed as failed:
            if failed.code and any(means_none(failed, entry) for entry in missing):
                return None
            raise

    def _answer(self, key: str, future: Pending, send: Callable[[], Any]) -> None:
        """Make the read of ``future`` and keep its answer in the cache, without its lock (~1.5 KB a
        read as a Future). A definite failure (no such thing, access denied, unsupported) is
        kept for the run; a transient one (a report still being generated, a throttle that outlasted
        the retries, a 5xx) is tried again later. Those waiting share either."""
        try:
            answer = Answer(send())
        except ReadFailed as failed:
            answer = Answer(failure=failed)
        with self._lock:
            if self._cache.get(key) is future:  # not forgotten meanwhile
                if answer.failure is not None and answer.failure.transient:
                    del self._cache[key]
                else:
                    self._cache[key] = answer
        if answer.failure is None:
            future.set_result(answer.response)
        else:
            future.set_exception(answer.failure)

    def _poll(self, until: Callable[[Any], bool], attempts: int, delay: float, response: Any,
              service: str, operation: str, region: str, params: Mapping[str, Any]) -> Any:
        """Repeat a read until ``until(response)``; the repeats are counted as polls, not reads."""
        import time

        for _ in range(max(0, attempts - 1)):
            if until(response):
                break
            time.sleep(delay)
            self._polling.active = True
            try:
                response = self._send_read(service, operation, region, False, params)
            finally:
                self._polling.active = False
        return response

    def _send_read(self, service: str, operation: str, region: str, paginate: bool, params: Mapping[str, Any]) -> Any:
        from botocore import xform_name

        if self._offload is not None:  # a spread fan-out's read, made in the read server
            answered = self._offload.send(service, operation, region, paginate, params)
            if answered is not LOCAL:
                return answered
        client = self.client(service, region)
        method = xform_name(operation)
        try:
            with acting_for(self):  # a shared member client's pages are this account's too
                if paginate and client.can_paginate(method):
                    return merge_pages(client.get_paginator(method).paginate(**params))
                response = getattr(client, method)(**params)
        except Exception as error:  # noqa: BLE001 - classified, never raised raw
            raise describe_error(error, service, operation) from None
        response.pop("ResponseMetadata", None)
        return response

    def try_read(self, service: str, operation: str, region: str | None = None, **kw: Any) -> Any:
        """Like :meth:`read`, but a failure becomes the state's ``unreadable(reason)`` marker."""
        try:
            return self.read(service, operation, region, **kw)
        except ReadFailed as failed:
            return unreadable(failed.reason)

    def forget(self) -> None:
        """Drop the read cache, so the next collect sees the account as it is now."""
        with self._lock:
            self._cache.clear()

    # --- writes -----------------------------------------------------------------------------------

    def write(self, call: Call) -> Any:
        """Send one change's call. Failures raise StepError with a hint; the read cache is dropped."""
        from botocore import xform_name

        from wizard.propagation import WriteFailed  # a StepError that keeps AWS's error code
        client = self.client(call.service, call.region if call.service not in GLOBAL_SERVICES else None)
        try:
            response = getattr(client, xform_name(call.operation))(**call.params)
        except Exception as error:  # noqa: BLE001
            failed = describe_error(error, call.service, call.operation)
            hint = {
                "denied": f"grant {iam_action(call.service, call.operation)} to the caller, or run as an administrator",
                "unsupported": "this endpoint does not offer the operation; do it in the console",
                "throttled": "wait a minute and apply again; what was done is kept",
            }.get(failed.kind, "see the message; nothing after this change was sent")
            raise WriteFailed(f"{call.name} failed: {failed.reason}", hint, failed.code) from None
        finally:
            self.forget()
        response.pop("ResponseMetadata", None)
        return response

    # --- concurrency ------------------------------------------------------------------------------

    def per_region(self, fn: Callable[[str], T], regions: Iterable[str] | None = None, *,
                   spread: bool = False) -> dict[str, T | dict]:
        """Run ``fn(region)`` for every region in scope (or item of ``regions``), concurrently; a failure
        becomes unreadable. ``spread``: the jobs are independent reads of a service with a documented request
        rate that allows a lane of their own; when many, they may run there (wizard/read_offload.py)."""
        regions = list(regions) if regions is not None else self.regions()
        lane = open_lane(self, len(regions)) if spread else None
        pool = lane or self._region_pool()
        try:
            futures = {region: pool.submit(fn, region) for region in regions}
            results: dict[str, Any] = {}
            for region, future in futures.items():
                try:
                    results[region] = future.result()
                except ReadFailed as failed:
                    results[region] = unreadable(failed.reason)
            return results
        finally:
            if lane is not None:
                lane.close()

    def _region_pool(self) -> ThreadPoolExecutor:
        if self.parent is not None:
            return self.parent._region_pool()
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="aws-region")
            return self._pool

    def close(self) -> None:
        """Stop this object's region pool and close its clients (the read cache stays readable); their
        connections stay pooled for the process's other clients (wizard/botocore_http.py)."""
        if self._pool:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._session_lock:
            clients, self._clients = self._clients, {}
        for client in clients.values():
            client.close()  # a member's view of a shared client closes nothing (wizard/aws_members.py)
        if self._members is not None:
            self._members.close()
