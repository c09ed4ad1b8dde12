"""What moto 5.2.5 lacks, one module per service. Handlers return a Response, or None to let moto answer."""

from __future__ import annotations

from .registry import HANDLERS, handles  # noqa: F401  (the table the gap layer reads)
from . import (  # noqa: F401  (registration by import)
    account,
    accessanalyzer,
    cloudtrail,
    ec2,
    ec2_block_public,
    ec2_client_vpn,
    iam_details,
    iam_org_features,
    iam_root,
    iam_service_roles,
    kms_managed_keys,
    organizations_scp,
    s3_list_buckets,
    s3_mfa_delete,
    securityhub,
    ssoadmin,
    sts,
)
