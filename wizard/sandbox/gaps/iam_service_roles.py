"""IAM service-linked roles: moto 5.2.5 derives the role name from the service principal
(``config.amazonaws.com`` -> ``AWSServiceRoleForconfig``); AWS uses fixed names
(``AWSServiceRoleForConfig``). The layer teaches moto the real names, then lets it answer."""

from __future__ import annotations

from .registry import handles

# service principal's first label -> the name AWS gives after "AWSServiceRoleFor"
REAL_NAMES = {
    "config": "Config",
    "guardduty": "AmazonGuardDuty",
    "securityhub": "SecurityHub",
    "access-analyzer": "AccessAnalyzer",
    "cloudtrail": "CloudTrail",
}


@handles("iam", "CreateServiceLinkedRole")
def create_service_linked_role(call):
    from moto.iam import models

    for service, name in REAL_NAMES.items():
        models.SERVICE_NAME_CONVERSION.setdefault(service, name)
    return None  # moto answers, now with the real name
