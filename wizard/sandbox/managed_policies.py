"""Load only the few AWS managed policies the catalogue uses into every IAM backend.

MOTO_IAM_LOAD_MANAGED_POLICIES loads about 1,200 policies per account (slow). Instead moto's
`IAMBackend._init_aws_policies` is replaced, once, by a loader of this subset, so that every
account moto creates (including member accounts created later) has them.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache

MANAGED_POLICY_NAMES = (
    "AdministratorAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "SecurityAudit",
    "AWSSupportAccess",
    "AWSCloudTrail_FullAccess",
    "AWS_ConfigRole",
    "AWSConfigRole",
    "AmazonGuardDutyFullAccess",
    "AWSSecurityHubFullAccess",
    "IAMAccessAnalyzerReadOnlyAccess",
    "AmazonVPCFullAccess",
    "AmazonS3ReadOnlyAccess",
    "AWSOrganizationsReadOnlyAccess",
    "PowerUserAccess",
    "AWSCloudShellFullAccess",  # CIS 1.21
)

_lock = threading.Lock()
_installed = False


@lru_cache(maxsize=1)
def _subset() -> dict:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    return {name: data[name] for name in MANAGED_POLICY_NAMES if name in data}


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        from moto.iam.models import AWSManagedPolicy, IAMBackend
        from moto.settings import load_iam_aws_managed_policies

        original = IAMBackend._init_aws_policies

        def _init_aws_policies(self):
            if load_iam_aws_managed_policies():
                return original(self)
            return [AWSManagedPolicy.from_data(name, self.account_id, self.region_name, d)
                    for name, d in _subset().items()]

        IAMBackend._init_aws_policies = _init_aws_policies
        _installed = True
