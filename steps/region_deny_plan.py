"""The changes that deny every region but the kept ones: a service control policy in an organization
(from its management account), or the same deny as an IAM policy on groups in a standalone account (or,
only when asked for, a new organization). The policy text itself is steps/region_deny_policy.py. Pure."""

from __future__ import annotations

from typing import Any, Mapping

from steps import region_deny_policy as deny
from steps.base import Call, Change, Ref, is_unreadable, reason_of
from steps.organization_facts import WHAT_AN_ORGANIZATION_CHANGES
from steps.region_deny_policy import _parse_doc, deny_statements, equivalent, exemptions, region_deny_document, render
from steps.regions_collect import POLICY_NAME, SCP_TYPE, iam_policy_arn
from steps.validators import split_list

POLICY_DESCRIPTION = "Denies requests outside the kept regions (aws-essentials); global services exempt"
# What every change here is for: the regions step's "region-deny-policy" check (steps/regions.py).
REGION_DENY = ("region-deny-policy",)
SCP_MAX_CHARS = 5120
IAM_POLICY_MAX_CHARS = 6144


def workload_text(at_risk: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{r}: {', '.join(items)}" for r, items in sorted(at_risk.items()))


def scp_changes(state: Mapping[str, Any], answers: Mapping[str, str], allowed: list[str],
                at_risk: Mapping[str, list[str]]) -> tuple[list[Change], list[str], tuple[str, ...]]:
    org = state["organization"]
    notes = ["Service control policies never restrict the management account itself (this account); they "
             "apply to the member accounts under the target."]
    root, policies, targets = org.get("root"), org.get("policies"), org.get("targets")
    for value in (root, policies, targets):
        if is_unreadable(value):
            return [], notes + [f"Could not read the organization's policies: {reason_of(value)}"], ()
    if org.get("feature_set") != "ALL":
        return [], notes + ["This organization has only consolidated billing: enable all features (console: "
                            "AWS Organizations > Settings) before an SCP can be used."], ()
    target = (answers.get("scp_target") or "root").strip()
    if target == "root":
        target = root["id"]
    if target == org.get("management_account_id"):
        return [], notes + ["Attach the region-deny SCP to: the management account is never restricted by an "
                            "SCP; choose the root or an OU instead"], ("scp_target",)
    if target not in targets:
        return [], notes + [f"Attach the region-deny SCP to: {target} is not in this organization; choose one of "
                            + ", ".join(f"{k} ({v})" for k, v in targets.items())], ("scp_target",)
    break_glass = deny.exempt_principals(org, split_list(answers.get("break_glass_role_arn", "")))
    if is_unreadable(org.get("control_tower")):
        notes.append(f"Could not tell whether AWS Control Tower manages this organization "
                     f"({reason_of(org['control_tower'])}); if it does, add its roles as break-glass ARNs.")
    elif deny.control_tower_present(org):
        notes.append("AWS Control Tower is present: its roles are exempt from the deny, as in Control Tower's own "
                     "region deny control.")
    document = region_deny_document(allowed, break_glass)
    content = render(document)
    if len(content) > SCP_MAX_CHARS:
        return [], notes + [f"The policy would be {len(content)} characters, over the SCP limit of "
                            f"{SCP_MAX_CHARS}; keep fewer regions."], ()
    changes: list[Change] = []
    if not root.get("scp_enabled"):
        changes.append(Change(
            fixes=REGION_DENY,
            reason="Enable service control policies in the organization (needed before any SCP can be attached).",
            call=Call("organizations", "EnablePolicyType", {"RootId": root["id"], "PolicyType": SCP_TYPE}),
            before="SCPs disabled", after="SCPs enabled (AWS attaches FullAWSAccess everywhere, so nothing changes yet)",
            undo=Call("organizations", "DisablePolicyType", {"RootId": root["id"], "PolicyType": SCP_TYPE}),
        ))
    same = next((p for p in policies if not is_unreadable(p.get("content"))
                 and equivalent(p["content"], allowed, break_glass)), None)
    ours = next((p for p in policies if p.get("name") == POLICY_NAME), None)
    attach_warning = _attach_warning(target, targets, allowed, at_risk)
    if same is not None:
        notes.append(f"Existing SCP {same['name']} ({same['id']}) already denies exactly this; it is reused.")
        policy_id: Any = same["id"]
        attached_to = same["targets"] if isinstance(same["targets"], list) else []
    elif ours is not None and not is_unreadable(ours.get("content")):
        policy_id = ours["id"]
        attached_to = ours["targets"] if isinstance(ours["targets"], list) else []
        changes.append(Change(
            fixes=REGION_DENY,
            reason=f"Update the region-deny SCP {POLICY_NAME} to allow only {', '.join(allowed)}.",
            call=Call("organizations", "UpdatePolicy", {"PolicyId": policy_id, "Content": content}),
            before=_parse_doc(ours["content"]), after=document,
            undo=Call("organizations", "UpdatePolicy", {"PolicyId": policy_id, "Content": ours["content"]}),
            warning=attach_warning if attached_to else "",
            risky=bool(attached_to),
        ))
    else:
        changes.append(Change(
            fixes=REGION_DENY,
            reason=f"Create the region-deny SCP {POLICY_NAME}: deny everything outside {', '.join(allowed)}, "
                   f"except {len(exemptions())} global-service actions (AWS Control Tower's list).",
            call=Call("organizations", "CreatePolicy", {"Name": POLICY_NAME, "Description": POLICY_DESCRIPTION,
                                                        "Type": SCP_TYPE, "Content": content}),
            key="scp", before=None, after=document,
            undo_note="Detach the policy, then delete it with organizations:DeletePolicy using the PolicyId "
                      "recorded in this change's journal entry.",
        ))
        policy_id = Ref("scp", "Policy.PolicySummary.Id")
        attached_to = []
    if target not in attached_to:
        changes.append(Change(
            fixes=REGION_DENY,
            reason=f"Attach the region-deny SCP to {targets[target]} ({target}).",
            call=Call("organizations", "AttachPolicy", {"PolicyId": policy_id, "TargetId": target}),
            before=attached_to, after=sorted(set(attached_to) | {target}),
            undo=Call("organizations", "DetachPolicy", {"PolicyId": policy_id, "TargetId": target})
            if isinstance(policy_id, str) else None,
            undo_note="" if isinstance(policy_id, str) else
            "Detach it with organizations:DetachPolicy using the PolicyId recorded for the create change.",
            warning=attach_warning,
            risky=True,
        ))
    return changes, notes, ()


def _attach_warning(target: str, targets: Mapping[str, str], allowed: list[str],
                    at_risk: Mapping[str, list[str]]) -> str:
    text = (f"Every account under {targets.get(target, target)} loses access to all regions except "
            f"{', '.join(allowed)} (global services such as IAM, Organizations, STS and support keep working). "
            "The management account itself is never restricted.")
    if at_risk:
        text = ("WARNING: workloads found in regions about to be denied: " + workload_text(at_risk)
                + " (this account's inventory; check the member accounts too). " + text)
    return text


def standalone_changes(state: Mapping[str, Any], answers: Mapping[str, str], allowed: list[str],
                       at_risk: Mapping[str, list[str]]) -> tuple[list[Change], list[str], tuple[str, ...]]:
    standalone = state.get("organization") is None
    notes = ["A region-deny service control policy needs AWS Organizations, and this account is not in one. "
             "Options: attach the same deny as an IAM policy to your groups (answer 'IAM groups for the "
             "region-deny policy'), or create an organization (answer 'Create an organization' with yes). "
             + WHAT_AN_ORGANIZATION_CHANGES] if standalone else [
        "This account manages an organization with no member account, and SCPs never restrict the management "
        "account: a region-deny SCP would restrict nobody. Attach the same deny as an IAM policy to your groups "
        "(answer 'IAM groups for the region-deny policy'); plan an SCP once member accounts exist."]
    changes: list[Change] = []
    if standalone and answers.get("create_organization", "no").strip() == "yes":
        changes.append(Change(
            fixes=REGION_DENY,
            reason="Create an organization with all features, with this account as its management account.",
            call=Call("organizations", "CreateOrganization", {"FeatureSet": "ALL"}),
            before=None, after="organization (all features)",
            undo=Call("organizations", "DeleteOrganization", {}),
            warning="Run this step again afterwards to plan the region-deny SCP for member accounts. "
                    + WHAT_AN_ORGANIZATION_CHANGES,
            risky=True,
        ))
    groups = split_list(answers.get("iam_policy_groups", ""))
    if not groups:
        return changes, notes, ()
    account_id = state.get("account_id")
    current = state.get("iam_policy")
    if not account_id or is_unreadable(current):
        return changes, notes + [f"Could not read the IAM policy {POLICY_NAME}: {reason_of(current)}"], ()
    arn = iam_policy_arn(account_id)
    document = region_deny_document(allowed, scp=False)
    content = render(document)
    warning = ("Members of " + ", ".join(groups) + f" lose access to every region except {', '.join(allowed)}; "
               "global services keep working.")
    if at_risk:
        warning = "WARNING: workloads found in regions about to be denied: " + workload_text(at_risk) + ". " + warning
    attached: list[str] = []
    if current is None:
        changes.append(Change(
            fixes=REGION_DENY,
            reason=f"Create the IAM policy {POLICY_NAME}: deny everything outside {', '.join(allowed)} except "
                   "global services.",
            call=Call("iam", "CreatePolicy", {"PolicyName": POLICY_NAME, "PolicyDocument": content,
                                              "Description": POLICY_DESCRIPTION}),
            before=None, after=document,
            undo=Call("iam", "DeletePolicy", {"PolicyArn": arn}),
        ))
    else:
        attached = current["groups"] if isinstance(current.get("groups"), list) else []
        doc = _parse_doc(current.get("document"))
        if not any(st == {"regions": sorted(set(allowed)), "not_actions": sorted(set(exemptions())),
                          "break_glass": [], "resource": ["*"]} for st in deny_statements(doc)):
            changes.append(Change(
                fixes=REGION_DENY,
                reason=f"Update the IAM policy {POLICY_NAME} to allow only {', '.join(allowed)}.",
                call=Call("iam", "CreatePolicyVersion", {"PolicyArn": arn, "PolicyDocument": content,
                                                         "SetAsDefault": True}),
                before=doc, after=document,
                undo=Call("iam", "SetDefaultPolicyVersion", {"PolicyArn": arn,
                                                             "VersionId": current["default_version"]}),
                warning=warning if attached else "",
                risky=bool(attached),
            ))
    for group in groups:
        if group in attached:
            continue
        changes.append(Change(
            fixes=REGION_DENY,
            reason=f"Attach the region-deny IAM policy to group {group}.",
            call=Call("iam", "AttachGroupPolicy", {"GroupName": group, "PolicyArn": arn}),
            before=None, after=arn,
            undo=Call("iam", "DetachGroupPolicy", {"GroupName": group, "PolicyArn": arn}),
            warning=warning,
            risky=True,
        ))
    return changes, notes, ()
