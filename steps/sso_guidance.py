"""Identity Center's hard edges the sso step plans around: reserved names, account instances, new users.

- identitystore ``CreateUser``/``CreateGroup``: "Administrator and AWSAdministrators are reserved
  names and can't be used for users or groups" (Identity Store API reference, CreateGroup
  DisplayName). The docs do not say the check ignores case; refusing every casing is the safe side.
- sso-admin ``CreateInstance``: an instance made in a standalone account (or a member account) is an
  *account instance*; it "is rejected ... within the organization management account", and only the
  organization instance can assign AWS accounts (IAM Identity Center User Guide, "Organization and
  account instances of IAM Identity Center"). One instance per account, across all regions.
- Users created through the API get no invitation email (aws/aws-sdk-net discussion 3288: "Only way
  for the user to get the email is by clicking the button in the IAM Identity Center console"): an
  administrator sends the verification email or a password reset from the console.
"""

from __future__ import annotations

from steps.base import PREPARATION, Change, manual

RESERVED_NAMES = ("Administrator", "AWSAdministrators")
# sso-admin API reference, ConflictException: a write that meets "a previous successful write [that]
# did not have time to propagate"; "a retry (with appropriate backoff logic) is the recommended response".
RETRY_ON = ("ConflictException",)
CONSOLE_USERS_URL = "https://console.aws.amazon.com/singlesignon/home#/users"
CONSOLE_SETTINGS_URL = "https://console.aws.amazon.com/singlesignon/home#/instances/settings"


def is_reserved(name: str) -> bool:
    return name.strip().casefold() in {n.casefold() for n in RESERVED_NAMES}


def reserved_name_error(name: str) -> str | None:
    if is_reserved(name):
        return (f"{' and '.join(RESERVED_NAMES)} are reserved by IAM Identity Center; choose another name, "
                "e.g. jane.doe")
    return None


def invite_user(user_name: str) -> Change:
    """The console task that lets a user created through the API sign in for the first time."""
    return manual(
        f"Send {user_name} the verification email or a password reset: users created through the API get "
        "no invitation.", CONSOLE_USERS_URL,
        f"Open IAM Identity Center > Users and choose {user_name}.",
        "Choose 'Send email verification link' (or 'Reset password' > 'Send an email to the user with "
        "instructions to reset the password').",
        "Ask them to open the email, set a password and register an MFA device at the start URL.",
        key="invite-first-user", fixes=PREPARATION)


def leave_account_instance(region: str, standalone: bool) -> Change:
    """The way from an account instance (no access to AWS accounts) to the organization instance."""
    steps = [f"Open IAM Identity Center in {region} > Settings and delete this account instance (an account "
             "holds one instance across all regions; applications that use it lose their sign-in)."]
    if standalone:
        steps.append("Then choose Enable and 'Enable with AWS Organizations': it creates an organization "
                     "(free) with this account as its management account, and the organization instance. "
                     "This account's resources, bills and IAM users stay as they are.")
    else:
        steps.append("Then, from the organization's management account, enable the organization instance "
                     "(or ask its administrators to assign this account to you).")
    steps.append("Come back and re-check: the wizard then creates the permission sets, the admin group and "
                 "the assignment.")
    return manual("Replace the account instance of Identity Center with the organization instance.",
                  CONSOLE_SETTINGS_URL, *steps, key="leave-account-instance", fixes=("identity-center",))
