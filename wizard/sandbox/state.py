"""The gap layer's own state: what moto 5.2.5 does not keep, per account (and per region)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
HOME_REGION = "us-east-1"

DEFAULT_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
)
OPT_IN_REGIONS = (
    "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "eu-south-1", "eu-south-2", "eu-central-2", "me-south-1", "me-central-1",
    "il-central-1", "ca-west-1", "mx-central-1",
)
ALL_REGIONS = DEFAULT_REGIONS + OPT_IN_REGIONS


@dataclass
class RootFacts:
    mfa_enabled: bool = False
    hardware_mfa: bool = False
    root_access_keys: int = 0
    root_password_last_used: str | None = None  # ISO 8601 or None
    root_key_last_used: str | None = None
    caller_is_root: bool = False
    created: str = "2020-01-01T00:00:00+00:00"
    password: bool = True  # GetAccountSummary AccountPasswordPresent; False once removed centrally


@dataclass
class AccountGaps:
    account_id: str
    # opt-in region name -> ENABLED | ENABLING | DISABLED | DISABLING (default regions: always ENABLED_BY_DEFAULT)
    regions: dict[str, str] = field(default_factory=dict)
    contact_information: dict | None = None
    analyzers: dict[str, dict[str, dict]] = field(default_factory=dict)  # region -> name -> analyzer
    standards: dict[str, dict[str, dict]] = field(default_factory=dict)  # region -> standards arn -> subscription
    imds_defaults: dict[str, dict] = field(default_factory=dict)  # region -> defaults
    identity_center_enabled: bool = False
    identity_center_region: str = HOME_REGION
    root: RootFacts = field(default_factory=RootFacts)
    # management account only: iam:ListOrganizationsFeatures EnabledFeatures (centralized root access)
    organization_features: list[str] = field(default_factory=list)

    def region_status(self, region: str) -> str:
        if region in DEFAULT_REGIONS:
            return "ENABLED_BY_DEFAULT"
        status = self.regions.get(region, "DISABLED")
        # a region being enabled/disabled settles on the next read
        if status == "ENABLING":
            self.regions[region] = "ENABLED"
        elif status == "DISABLING":
            self.regions[region] = "DISABLED"
        return status

    def enabled_regions(self) -> list[str]:
        return [r for r in ALL_REGIONS if r in DEFAULT_REGIONS or self.regions.get(r) in ("ENABLED", "ENABLING")]


class GapState:
    """Per-account gap state. `sb.gaps.account(id)` creates on first use. Thread-safe via `lock`."""

    def __init__(self):
        self.lock = threading.RLock()
        self.accounts: dict[str, AccountGaps] = {}

    def account(self, account_id: str) -> AccountGaps:
        with self.lock:
            acct = self.accounts.get(account_id)
            if acct is None:
                acct = self.accounts[account_id] = AccountGaps(account_id)
            return acct

    def reset(self) -> None:
        with self.lock:
            self.accounts.clear()
