"""IAM ListOrganizationsFeatures (centralized root access), which moto 5.2.5 lacks.

IAM API reference, ListOrganizationsFeatures: the management account (or a delegated administrator)
reads the organization's EnabledFeatures (RootCredentialsManagement, RootSessions); a member account
gets AccountNotManagementOrDelegatedAdministratorException, an account outside any organization
OrganizationNotFoundException. The features live in the management account's gap state
(``organization_features``, set by the console action ``centralize_root_access``).
"""

from __future__ import annotations

from ..protocol import GapError, Response, query_response
from .registry import handles

_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


@handles("iam", "ListOrganizationsFeatures")
def list_organizations_features(call) -> Response:
    from moto.organizations.models import organizations_backends

    account = call.info.account_id
    org = organizations_backends[account]["aws"].org
    if org is None:
        if account in organizations_backends.master_accounts:
            raise GapError("AccountNotManagementOrDelegatedAdministratorException",
                           "The request was rejected because the account is not the management account or "
                           "delegated administrator.", 400)
        raise GapError("OrganizationNotFoundException", "The request was rejected because no organization is "
                       "associated with your account.", 400)
    features = "".join(f"<member>{f}</member>" for f in call.account.organization_features)
    return query_response(call.info, f"<OrganizationId>{org.id}</OrganizationId>"
                                     f"<EnabledFeatures>{features}</EnabledFeatures>", _NS)
