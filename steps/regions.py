"""Region control: see where things run, switch off the opt-in regions nobody uses, and deny the rest.

Fixes: ``account:DisableRegion`` for enabled opt-in regions that are not kept; in an organization
(from the management account) a region-deny service control policy attached to a target the user
picks; in a standalone account, the same deny as an IAM policy attached to groups, or (only when
asked for separately) a new organization. The region the wizard runs from and the Identity Center
home region are always allowed, and the global services in ``data/region_deny_exemptions.json``
are never denied.
"""

from __future__ import annotations

from typing import Any, Mapping

from steps import region_deny_policy as deny
from steps.base import (
    Call, Change, Finding, Input, Plan, Severity, StepInfo, check_answers, is_unreadable, reason_of,
)
from steps.checks import ACCOUNT, AUTOMATIC, REGION, Check
from steps.region_deny_plan import (  # noqa: F401  (names kept for callers)
    IAM_POLICY_MAX_CHARS, POLICY_DESCRIPTION, SCP_MAX_CHARS, workload_text, scp_changes, standalone_changes,
)
from steps.region_deny_policy import (  # noqa: F401  (the policy text lives there; names kept for callers)
    DATA_FILE, SID, _parse_doc, deny_statements, equivalent, exemptions, region_deny_document, render,
)
from steps.regions_collect import (  # noqa: F401  (the reads live there; names kept for callers)
    POLICY_NAME, SCP_TYPE, State, collect, iam_policy_arn,
)
from steps.validators import (  # noqa: F401  (names kept for callers)
    YES_NO, split_list, validate_groups, validate_regions, validate_role_arn, validate_target, validate_yes_no,
)

ENABLED = ("ENABLED", "ENABLED_BY_DEFAULT")

# --- inputs (validators in steps/validators.py) ------------------------------------------------

INPUTS = (
    Input("keep_regions", "Regions to keep", validate_regions, required=False,
          help="Comma-separated region names. Empty: the regions in use plus the wizard's own region."),
    Input("scp_target", "Attach the region-deny SCP to", validate_target, required=False, default="root",
          help="Organizations only: 'root' (every account), an OU id (ou-...) or a member account id."),
    Input("break_glass_role_arn", "Break-glass role", validate_role_arn, required=False,
          help="An IAM role ARN the region deny never applies to, for emergencies."),
    Input("iam_policy_groups", "IAM groups for the region-deny policy (standalone account)", validate_groups,
          required=False, help="Without an organization: attach the same deny as an IAM policy to these groups."),
    Input("create_organization", "Create an organization (standalone account)", validate_yes_no, required=False,
          default="no", choices=YES_NO,
          help="yes makes this account the management account of a new organization, so an SCP can be used."),
)

INVENTORY = Check("regions-in-use", "Regions where workloads run", Severity.INFO, scope=ACCOUNT)
OPT_IN = Check("unused-opt-in-region", "Opt-in regions that are enabled are in use", Severity.MEDIUM, fix=AUTOMATIC,
               scope=REGION)
DENY = Check("region-deny-policy", "A region-deny policy limits where work can happen", Severity.MEDIUM,
             fix=AUTOMATIC, scope=ACCOUNT)
CHECKS = (INVENTORY, OPT_IN, DENY)


INFO = StepInfo(
    id="regions",
    title="Region control",
    short="Regions",
    why=(
        "AWS has more than thirty regions and an attacker with stolen keys will happily start machines in "
        "one you never look at. Decide which regions you actually use, switch off the optional ones you do "
        "not, and deny the rest with a policy, so there are fewer places to watch and to pay for. Global "
        "services such as IAM keep working."
    ),
    guide_section="Region Control",
    severity=Severity.MEDIUM,
    reads=(
        "sts:GetCallerIdentity",
        "account:ListRegions",
        "ec2:DescribeRegions",
        "ec2:DescribeInstances",
        "ec2:DescribeVpcs",
        "rds:DescribeDBInstances",
        "lambda:ListFunctions",
        "sso:ListInstances",
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccounts",
        "organizations:ListPolicies",
        "organizations:DescribePolicy",
        "organizations:ListTargetsForPolicy",
        "iam:GetRole",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListEntitiesForPolicy",
    ),
    writes=(
        "account:DisableRegion",
        "account:EnableRegion",
        "iam:CreateServiceLinkedRole",  # CreateOrganization creates Organizations' role (else AccessDeniedForDependency)
        "organizations:EnablePolicyType",
        "organizations:DisablePolicyType",
        "organizations:CreatePolicy",
        "organizations:UpdatePolicy",
        "organizations:AttachPolicy",
        "organizations:DetachPolicy",
        "organizations:CreateOrganization",
        "organizations:DeleteOrganization",
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:AttachGroupPolicy",
        "iam:DetachGroupPolicy",
    ),
    inputs=INPUTS,
    checks=CHECKS,
)


# --- facts derived from the state (pure) ----------------------------------------------------------


def workloads(state: Mapping[str, Any]) -> dict[str, list[str]]:
    """Region -> what runs there (only regions with something in them, and readable)."""
    inventory = state.get("inventory")
    if is_unreadable(inventory) or not inventory:
        return {}
    out: dict[str, list[str]] = {}
    for region, found in inventory.items():
        if is_unreadable(found):
            continue
        items = [f"EC2 instance {i}" for i in _list(found.get("ec2"))]
        items += [f"VPC {v}" for v in _list(found.get("vpc"))]
        items += [f"RDS instance {d}" for d in _list(found.get("rds"))]
        items += [f"Lambda function {f}" for f in _list(found.get("lambda"))]
        if items:
            out[region] = items
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def unreadable_regions(state: Mapping[str, Any]) -> dict[str, str]:
    """Region -> why its inventory (or part of it) could not be read."""
    inventory = state.get("inventory")
    if is_unreadable(inventory):
        return {"*": reason_of(inventory)}
    out = {r: "not inventoried" for r in enabled_regions(state) if r not in (inventory or {})}
    hidden = own_denied(state)
    for region, found in (inventory or {}).items():
        if region in hidden:  # our own region deny refuses the reads there: not a sign of use
            continue
        if is_unreadable(found):
            out[region] = reason_of(found)
            continue
        for key in ("ec2", "vpc", "rds", "lambda"):
            if is_unreadable(found.get(key)):
                out[region] = reason_of(found[key])
                break
    return out


def own_denied(state: Mapping[str, Any]) -> set[str]:
    policy = state.get("iam_policy")
    statements = deny_statements(policy.get("document")) if isinstance(policy, Mapping) else []
    return deny.self_denied_regions(policy, statements, enabled_regions(state))


def identity_center_region(state: Mapping[str, Any]) -> str | None:
    inventory = state.get("inventory")
    if is_unreadable(inventory):
        return None
    return next((r for r, found in sorted((inventory or {}).items())
                 if not is_unreadable(found) and found.get("identity_center") is True), None)


def enabled_regions(state: Mapping[str, Any]) -> list[str]:
    regions = state.get("regions")
    if is_unreadable(regions) or not regions:
        inventory = state.get("inventory")
        return sorted(inventory) if isinstance(inventory, dict) and not is_unreadable(inventory) else []
    return sorted(r for r, status in regions.items() if status in ENABLED)


def default_kept(state: Mapping[str, Any]) -> list[str]:
    """The regions in use (or that could not be inventoried) plus the wizard's own region."""
    kept = set(workloads(state)) | {state["home_region"]}
    kept |= {r for r in unreadable_regions(state) if r != "*"}
    return sorted(kept)


def always_allowed(state: Mapping[str, Any]) -> list[str]:
    """Regions a region deny must never deny: the wizard's own, and Identity Center's home."""
    allowed = {state["home_region"]}
    ic = identity_center_region(state)
    if ic:
        allowed.add(ic)
    return sorted(allowed)


# --- evaluate -----------------------------------------------------------------------------------


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings = [_inventory_finding(state)]
    findings += _opt_in_findings(state)
    findings.append(_deny_finding(state))
    return findings


def _inventory_finding(state: Mapping[str, Any]) -> Finding:
    bad = unreadable_regions(state)
    if bad:
        region, reason = next(iter(bad.items()))
        return INVENTORY.unknown(f"{reason} (region {region})", region=None if region == "*" else region)
    used = workloads(state)
    enabled = enabled_regions(state)
    if not used:
        message = f"No EC2 instances, VPCs, RDS instances or Lambda functions found in {len(enabled)} enabled regions."
    else:
        message = "Workloads in " + "; ".join(f"{r} ({len(items)}: {', '.join(items[:3])}"
                                             f"{', ...' if len(items) > 3 else ''})" for r, items in used.items())
        idle = [r for r in enabled if r not in used]
        message += f". Nothing found in the {len(idle)} other enabled regions."
    return INVENTORY.passed(message)


def _opt_in_findings(state: Mapping[str, Any]) -> list[Finding]:
    regions = state.get("regions")
    if is_unreadable(regions):
        return [OPT_IN.unknown(reason_of(regions))]
    used = workloads(state)
    bad = unreadable_regions(state)
    protected = set(always_allowed(state))
    findings = []
    for region, status in sorted((regions or {}).items()):
        if status != "ENABLED":
            continue
        where = {"region": region, "resource": region}
        if region in bad or "*" in bad:
            findings.append(OPT_IN.unknown(bad.get(region) or bad["*"], **where))
        elif region in used:
            findings.append(OPT_IN.passed(
                f"Opt-in region {region} is enabled and in use ({len(used[region])} resources).", **where))
        elif region in protected:
            findings.append(OPT_IN.passed(
                f"Opt-in region {region} is enabled; the wizard or Identity Center uses it.", **where))
        else:
            findings.append(OPT_IN.failed(f"Opt-in region {region} is enabled but nothing runs there; disable it.",
                                          **where))
    if not findings:
        findings.append(OPT_IN.passed("No opt-in region is enabled."))
    return findings


def _deny_finding(state: Mapping[str, Any]) -> Finding:
    org = state.get("organization")
    if is_unreadable(org):
        return DENY.unknown(reason_of(org))
    if is_unreadable(org.get("members") if org else None):
        return DENY.unknown(reason_of(org["members"]))
    if org is None or (org.get("is_management") and not deny.has_members(org)):
        iam = state.get("iam_policy")
        if is_unreadable(iam):
            return DENY.unknown(reason_of(iam))
        if iam and isinstance(iam.get("groups"), list) and iam["groups"] and deny_statements(iam.get("document")):
            return DENY.passed(
                f"The IAM policy {POLICY_NAME} denies other regions to groups: {', '.join(iam['groups'])}.")
        return DENY.manual(
            ("This account is not in an organization, so a region-deny SCP is not available"
             if org is None else "This organization has no member account and SCPs never restrict "
             "the management account, so an SCP would restrict nobody") + ". The plan offers the "
            "same deny as an IAM policy for your groups" + (", or creating an organization (only "
            "if you ask for it)." if org is None else "."))
    if not org.get("is_management"):
        return DENY.manual(
            f"This is a member of organization {org['id']}; region-deny SCPs are managed from the "
            f"management account {org.get('management_account_id')}. Ask its administrators, or run "
            "this step there.")
    policies = org.get("policies")
    if is_unreadable(policies):
        return DENY.unknown(reason_of(policies))
    attached = [p for p in policies if deny_statements(p.get("content")) and isinstance(p.get("targets"), list)
                and deny.restricting_targets(p["targets"], org)]
    if attached:
        p = attached[0]
        regions = deny_statements(p["content"])[0]["regions"]
        return DENY.passed(
            f"SCP {p['name']} ({p['id']}) allows only {', '.join(regions)} and is attached to "
            f"{', '.join(deny.restricting_targets(p['targets'], org))}. SCPs never restrict the "
            "management account itself.", resource=p["id"])
    if any(deny_statements(p.get("content")) and p.get("targets") for p in policies):
        return DENY.failed(
            "A region-deny SCP is attached only to the management account, which SCPs never "
            "restrict: it limits nobody. Attach it to the root or an OU.")
    return DENY.failed(
        "No service control policy denies the regions you do not use; any account in the "
        "organization can run workloads anywhere.")


# --- plan ---------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    errors = check_answers(INPUTS, answers)
    if errors:
        return Plan(INFO.id, needs=tuple(errors), notes=tuple(errors.values()))
    regions = state.get("regions")
    if is_unreadable(regions):
        return Plan(INFO.id, notes=(f"Cannot plan region changes: {reason_of(regions)}",))
    known = set(regions or {}) | set(enabled_regions(state))
    chosen = split_list(answers.get("keep_regions", ""))
    kept = sorted(set(chosen)) if chosen else default_kept(state)
    unknown = [r for r in kept if known and r not in known]
    if unknown:
        line = (f"Regions to keep: {unknown[0]} is not a region of this account; choose from "
                f"{', '.join(sorted(known))}")
        return Plan(INFO.id, needs=("keep_regions",), notes=(line,))
    allowed = sorted(set(kept) | set(always_allowed(state)))
    notes = [f"Keeping {', '.join(kept)}" + ("" if chosen else " (the regions in use plus the wizard's region)")
             + f"; always allowed: {', '.join(always_allowed(state))} (the wizard's region"
             + (" and the Identity Center home region" if identity_center_region(state) else "") + ")."]
    used = workloads(state)
    denied = [r for r in enabled_regions(state) if r not in allowed]
    at_risk = {r: used[r] for r in denied if r in used}
    if at_risk:
        notes.append("WARNING: workloads in regions about to be denied: " + workload_text(at_risk))
    changes = list(_disable_changes(state, allowed, used))
    org = state.get("organization")
    if is_unreadable(org):
        notes.append(f"Could not check for an organization ({reason_of(org)}); no region-deny policy planned.")
    elif org is None or (org.get("is_management") and not deny.has_members(org)):
        more, more_notes, needs = standalone_changes(state, answers, allowed, at_risk)
        changes += more
        notes += more_notes
        if needs:
            return Plan(INFO.id, needs=needs, notes=tuple(notes))
    elif not org.get("is_management"):
        notes.append(f"Region-deny SCPs are managed from the management account {org.get('management_account_id')}; "
                     "run this step there.")
    else:
        more, more_notes, needs = scp_changes(state, answers, allowed, at_risk)
        changes += more
        notes += more_notes
        if needs:
            return Plan(INFO.id, needs=needs, notes=tuple(notes))
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes))


def _disable_changes(state: Mapping[str, Any], allowed: list[str], used: Mapping[str, list[str]]):
    for region, status in sorted((state.get("regions") or {}).items()):
        if status != "ENABLED" or region in allowed:
            continue
        here = used.get(region, []) or (["resources this run cannot see (the region-deny policy hides it)"]
                                         if region in own_denied(state) else [])
        warning = (f"Disabling {region} removes all IAM access to everything in it within minutes (sometimes hours): "
                   "S3 buckets, DynamoDB tables and other data the inventory does not list keep "
                   "existing (and costing) but cannot be reached until the region is enabled again.")
        if here:
            warning = f"WARNING: {region} has workloads: {', '.join(here)}. " + warning
        yield Change(
            fixes=(OPT_IN.id,),
            reason=f"Disable the unused opt-in region {region}.",
            call=Call("account", "DisableRegion", {"RegionName": region}),
            before="ENABLED", after="DISABLED",
            undo=Call("account", "EnableRegion", {"RegionName": region}),
            warning=warning,
            risky=True,  # always: the inventory sees only instances, VPCs, databases and functions
        )


