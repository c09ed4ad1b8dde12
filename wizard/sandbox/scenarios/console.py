"""Simulated console-only actions, for the sandbox only ("simulate doing this in the console")."""

from __future__ import annotations

ACTIONS = ("enable_root_mfa", "enable_root_hardware_mfa", "disable_root_mfa", "remove_root_keys",
           "enable_identity_center", "disable_identity_center", "stop_using_root", "centralize_root_access",
           "enable_mfa_delete")


def run_console_action(sandbox, account_id: str, action: str, **kwargs) -> dict:
    if action not in ACTIONS:
        raise ValueError(f"unknown console action {action!r}; choose one of {', '.join(ACTIONS)}")
    with sandbox.gaps.lock:
        acct = sandbox.gaps.account(account_id)
        root = acct.root
        if action == "enable_root_mfa":
            root.mfa_enabled, root.hardware_mfa = True, bool(kwargs.get("hardware", False))
        elif action == "enable_root_hardware_mfa":
            root.mfa_enabled, root.hardware_mfa = True, True
        elif action == "disable_root_mfa":
            root.mfa_enabled, root.hardware_mfa = False, False
        elif action == "remove_root_keys":
            root.root_access_keys, root.root_key_last_used = 0, None
        elif action == "stop_using_root":
            root.caller_is_root = False
        elif action == "enable_identity_center":
            # The console's "Enable with AWS Organizations": a standalone account gets an organization
            # (all features) and so the organization instance; account_instance=True is the other
            # choice, an account instance, which cannot assign AWS accounts.
            if not kwargs.get("account_instance"):
                _ensure_organization(account_id)
            acct.identity_center_enabled = True
            acct.identity_center_region = kwargs.get("region") or acct.identity_center_region
        elif action == "disable_identity_center":
            acct.identity_center_enabled = False
        elif action == "centralize_root_access":
            # IAM > Root access management (management account): RootCredentialsManagement on, then the
            # members' root passwords and keys deleted (IAM User Guide, "Centrally manage root access").
            acct.organization_features = ["RootCredentialsManagement", "RootSessions"]
            for member in kwargs.get("remove_from", []):
                facts = sandbox.gaps.account(member).root
                facts.password, facts.root_access_keys, facts.mfa_enabled, facts.hardware_mfa = False, 0, False, False
        elif action == "enable_mfa_delete":
            _enable_mfa_delete(account_id, kwargs.get("buckets"))
        return {"ok": True, "account_id": account_id, "action": action,
                "root": vars(root).copy(), "identity_center_enabled": acct.identity_center_enabled}


def _ensure_organization(account_id: str) -> None:
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[account_id]["aws"]
    if backend.org is None and account_id not in organizations_backends.master_accounts:
        backend.create_organization(region="us-east-1", FeatureSet="ALL")


def _enable_mfa_delete(account_id: str, names: list[str] | None) -> None:
    """What root does with its MFA device from the CLI (put-bucket-versioning --mfa): MFA delete on
    every versioned bucket, or on ``names``. Unversioned buckets are left alone, as AWS refuses MFA
    delete without versioning."""
    from moto.s3.models import s3_backends

    from wizard.sandbox.gaps.s3_mfa_delete import _ATTR

    for name, bucket in s3_backends[account_id]["aws"].buckets.items():
        if (names is None or name in names) and bucket.versioning_status == "Enabled":
            setattr(bucket, _ATTR, "Enabled")
