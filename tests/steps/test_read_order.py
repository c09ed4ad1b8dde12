"""The order of a step's reads (pure: a recording stand-in for the AWS object, no sandbox).

On a large account the per-user and per-bucket jobs fill the region pool, which serves jobs in turn,
for most of the run; a read a step makes after them, or a job it queues behind them, waits for all of
them and adds its round trips to the end of the whole run (the groups step's seven account-wide reads
were the last ~0.4 s of the large account's check; benchmarks/README.md, "Eighth session"). So a step
reads its listings first, then everything else in one fan-out, one job per user or bucket.
"""

from __future__ import annotations

import datetime

from steps import groups_collect, keys_collect, s3_collect, vpc_collect

PER_USER = {"GetLoginProfile", "ListMFADevices", "ListAccessKeys", "GetAccessKeyLastUsed"}
REPORT = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n"
          "{u},arn:aws:iam::111122223333:user/{u},2026-01-01T00:00:00+00:00,true,N/A,N/A,"
          "true,2026-01-02T00:00:00+00:00,N/A,false,N/A,N/A\n")


CREATED = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)  # the report's user_creation_time


class RecordingAWS:
    """Answers every read from ``ANSWERS`` (else an empty answer) and records the operations in order."""

    home_region = "us-east-1"
    account_id = "111122223333"
    access_key_id = "AKIAEXAMPLE"

    def __init__(self, users: list[str]) -> None:
        self.users = users
        self.order: list[str] = []
        self.fan_outs = 0  # per_region calls
        self.outside: list[str] = []  # reads made by the step's own thread, not in a fan-out job
        self._in_job = False
        self.sent: list[tuple] = []  # (operation, params): a read sent again is the AWS object's cache hit

    def _answer(self, operation: str, params: dict) -> dict:
        if operation == "GetAccountAuthorizationDetails":
            return {"UserDetailList": [{"UserName": u, "Arn": f"arn:aws:iam::111122223333:user/{u}",
                                        "CreateDate": getattr(self, "created", {}).get(u, CREATED)}
                                       for u in self.users], "GroupDetailList": []}
        if operation == "GetCredentialReport":
            return {"Content": "".join(REPORT.format(u=u) if i == 0 else REPORT.format(u=u).split("\n", 1)[1]
                                       for i, u in enumerate(self.users)).encode(),
                    "GeneratedTime": datetime.datetime(2026, 1, 3, tzinfo=datetime.timezone.utc)}
        if operation == "GenerateCredentialReport":
            return {"State": "COMPLETE"}
        if operation == "GetLoginProfile":
            return {"LoginProfile": {"UserName": params["UserName"]}}
        if operation == "ListAccessKeys":
            return {"AccessKeyMetadata": [{"AccessKeyId": f"AKIA{params['UserName']}", "Status": "Active",
                                           "CreateDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)}]}
        if operation == "ListBuckets":
            return {"Buckets": [{"Name": b, "BucketRegion": "us-east-1"} for b in getattr(self, "buckets", [])]}
        if operation == "GetCallerIdentity":
            return {"Account": self.account_id, "Arn": "arn:aws:iam::111122223333:user/admin"}
        return {}

    def read(self, service: str, operation: str, region: str | None = None, **params):
        for option in ("missing", "paginate", "until", "attempts", "delay"):
            params.pop(option, None)
        self.order.append(operation)
        if not self._in_job:
            self.outside.append(operation)
        self.sent.append((operation, tuple(sorted(params.items()))))
        return self._answer(operation, params)

    try_read = read

    def identity(self) -> dict:
        return self.read("sts", "GetCallerIdentity")

    def regions(self) -> list[str]:
        return ["us-east-1"]

    def per_region(self, fn, regions=None, *, spread=False):
        self.fan_outs += 1
        self._in_job = True
        try:
            return {item: fn(item) for item in (self.regions() if regions is None else regions)}
        finally:
            self._in_job = False


def _after_first_per_user_read(aws: RecordingAWS) -> list[str]:
    """The reads that go to AWS after the first per-user read and are not per-user reads themselves."""
    first = min(i for i, operation in enumerate(aws.order) if operation in PER_USER)
    return [read[0] for read in aws.sent[first:] if read[0] not in PER_USER and read not in aws.sent[:first]]


def test_groups_reads_nothing_account_wide_after_the_per_user_reads():
    aws = RecordingAWS(["alice", "bob"])
    state = groups_collect.collect(aws)
    assert _after_first_per_user_read(aws) == []
    # the same reads as before, and the state has every part
    assert {"ListPolicies", "GetRole", "ListAnalyzers", "ListServerCertificates",
            "ListEntitiesForPolicy"} <= set(aws.order)
    assert set(state) == set(groups_collect.State.__annotations__)
    assert state["users"]["alice"]["console"] is True and state["users"]["alice"]["mfa_devices"] == 0


def test_keys_reads_the_password_policy_before_the_per_user_reads():
    aws = RecordingAWS(["alice", "bob"])
    state = keys_collect.collect(aws)
    assert _after_first_per_user_read(aws) == []
    assert "GetAccountPasswordPolicy" in aws.order
    assert [u["keys"][0]["id"] for u in state["users"]] == ["AKIAalice", "AKIAbob"]


def _reads_of(aws: RecordingAWS, operations: set[str]) -> list[tuple[str, str]]:
    return [(operation, dict(params).get("UserName") or dict(params).get("AccessKeyId"))
            for operation, params in aws.sent if operation in operations]


def test_a_users_second_read_does_not_wait_for_every_users_first():
    # one job per user (the stand-in runs the jobs one after the other, as a full pool does): a user's
    # MFA devices are read right after its login profile, its keys' last use right after its keys
    aws = RecordingAWS(["alice", "bob"])
    groups_collect.collect(aws)
    assert _reads_of(aws, {"GetLoginProfile", "ListMFADevices"}) == [
        ("GetLoginProfile", "alice"), ("ListMFADevices", "alice"),
        ("GetLoginProfile", "bob"), ("ListMFADevices", "bob")]
    aws = RecordingAWS(["alice", "bob"])
    state = keys_collect.collect(aws)
    assert _reads_of(aws, {"ListAccessKeys", "GetLoginProfile", "GetAccessKeyLastUsed"}) == [
        ("ListAccessKeys", "alice"), ("GetLoginProfile", "alice"), ("GetAccessKeyLastUsed", "AKIAalice"),
        ("ListAccessKeys", "bob"), ("GetLoginProfile", "bob"), ("GetAccessKeyLastUsed", "AKIAbob")]
    assert [u["user"] for u in state["users"]] == ["alice", "bob"]


def test_groups_keys_and_s3_read_everything_after_their_listings_in_one_fan_out():
    # The pool serves jobs in turn: a second fan-out, or a read after one, waited behind every job
    # queued before it (a large account's thousands), then ran alone at the end of the run; a read
    # before the fan-out that it does not need delayed the run's first large fan-out.
    aws = RecordingAWS(["alice", "bob"])
    groups_collect.collect(aws)
    assert aws.fan_outs == 1
    # the credential report (shared with the keys step: one read) decides whether logins are read live
    assert list(dict.fromkeys(aws.outside)) == ["GetCallerIdentity", "GetAccountAuthorizationDetails", "ListPolicies",
                                                "GenerateCredentialReport", "GetCredentialReport"]
    aws = RecordingAWS(["alice", "bob"])
    keys_collect.collect(aws)
    assert aws.fan_outs == 1
    assert list(dict.fromkeys(aws.outside)) == ["GetCallerIdentity", "GenerateCredentialReport", "GetCredentialReport"]
    aws = RecordingAWS([])
    aws.buckets = ["b1", "b2"]
    state = s3_collect.collect(aws)
    assert aws.fan_outs == 1
    assert aws.outside == ["ListBuckets"]
    assert [b["name"] for b in state["buckets"]] == ["b1", "b2"] and set(state["regions"]) == {"us-east-1"}


def test_vpc_reads_its_account_wide_parts_in_the_regions_fan_out():
    aws = RecordingAWS([])
    state = vpc_collect.collect(aws)
    assert aws.fan_outs == 1 and aws.outside == ["GetCallerIdentity"]
    assert state["flow_role"] is False and state["buckets"] == [] and state["shield"] is False
    assert set(state["regions"]) == {"us-east-1"}


class NewReportAWS(RecordingAWS):
    """As RecordingAWS, but GenerateCredentialReport answers ``states`` in turn and ``until`` is honoured
    as the AWS object does (the first answer is polled until the predicate holds), answered once per run."""

    def __init__(self, users: list[str], states: list[str]) -> None:
        super().__init__(users)
        self.states = list(states)
        self.generated: dict | None = None

    def read(self, service: str, operation: str, region: str | None = None, **params):
        until = params.get("until")
        if operation != "GenerateCredentialReport":
            return super().read(service, operation, region, **params)
        if self.generated is None:  # the run's cache: one read, then its answer
            answer = {"State": self.states.pop(0)}
            super().read(service, operation, region, **params)
            while until is not None and not until(answer):
                answer = {"State": self.states.pop(0)}
            self.generated = answer
        return self.generated

    try_read = read


def test_a_report_this_run_generated_replaces_the_live_login_mfa_and_last_use_reads():
    # STARTED: AWS began a new report at this run's request, so it is as current as the live reads
    for collect in (groups_collect.collect, keys_collect.collect):
        aws = NewReportAWS(["alice", "bob"], ["STARTED", "INPROGRESS", "COMPLETE"])
        state = collect(aws)
        assert not PER_USER & set(aws.order) - {"ListAccessKeys"}, collect  # key ids still come from ListAccessKeys
        users = state["users"]
        if collect is groups_collect.collect:  # the report's row: a password, no MFA device
            assert users["alice"]["console"] is True and users["alice"]["mfa_devices"] == 0
        else:
            assert [u["keys"][0]["id"] for u in users] == ["AKIAalice", "AKIAbob"]


def test_a_user_made_again_since_the_report_is_read_live():
    # bob was deleted and made again under his name after the report: its row is the old bob's
    aws = NewReportAWS(["alice", "bob"], ["STARTED", "COMPLETE"])
    aws.created = {"bob": CREATED + datetime.timedelta(minutes=5)}
    groups_collect.collect(aws)
    assert _reads_of(aws, {"GetLoginProfile", "ListMFADevices"}) == [("GetLoginProfile", "bob"), ("ListMFADevices", "bob")]


def test_a_reused_or_someone_elses_report_is_corrected_by_live_reads():
    # COMPLETE at once: a report younger than four hours, returned again; INPROGRESS: another caller's
    for states in (["COMPLETE"], ["INPROGRESS", "COMPLETE"]):
        aws = NewReportAWS(["alice", "bob"], states)
        groups_collect.collect(aws)
        assert {"GetLoginProfile", "ListMFADevices"} <= set(aws.order), states
        aws = NewReportAWS(["alice", "bob"], states)
        keys_collect.collect(aws)
        assert {"GetLoginProfile", "GetAccessKeyLastUsed"} <= set(aws.order), states
