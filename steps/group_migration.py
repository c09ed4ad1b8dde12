"""Moving the policies IAM users hold directly into groups, keeping every user's effective policies.

For each distinct set of policies users hold directly it creates (or reuses) a group with exactly that set,
adds the users, and only then detaches the policies from the users. The caller's own last path to
administrator is never removed in the same run (see :func:`steps.iam_policies.caller_admin_paths`). Pure.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from steps.base import PREPARATION, Call, Change, is_unreadable
from steps.iam_policies import caller_admin_paths, caller_user, canon

# What the migration's detaches and deletes fix: the groups step's "users-in-groups" check (the groups
# made and joined first are PREPARATION).
MIGRATION = ("users-in-groups",)


def _policy_set(info: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    return tuple(info["attached"]), tuple(sorted((n, canon(d)) for n, d in info["inline"].items()))


def _proposed_name(key: tuple[tuple[str, ...], tuple[tuple[str, str], ...]]) -> str:
    parts = [a.rsplit("/", 1)[-1] for a in key[0]] + [n for n, _ in key[1]]
    name = re.sub(r"[^\w+=,.@-]", "-", "+".join(parts)) or "Users"
    return name[:128]


def _renames(text: str) -> dict[str, str]:
    out = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        old, _, new = (s.strip() for s in pair.partition("="))
        out[old] = new
    return out


def plan_migration(state: Mapping[str, Any], group_names: str) -> tuple[list[Change], list[str]]:
    users = {n: u for n, u in state["users"].items() if not is_unreadable(u) and (u["attached"] or u["inline"])}
    if not users:
        return [], []
    groups = {n: g for n, g in state["groups"].items() if not is_unreadable(g)}
    renames = _renames(group_names)
    by_set: dict[Any, list[str]] = {}
    for name, info in sorted(users.items()):
        by_set.setdefault(_policy_set(info), []).append(name)

    me = caller_user(state)
    protected: dict[str, set[str]] = {}
    notes: list[str] = []
    if me in users:
        paths = caller_admin_paths(state, me)
        if not paths["groups"]:
            # Direct admin policies and no admin group yet: together they are the last path. Keep them.
            protected[me] = set(paths["attached"]) | {"inline:" + n for n in paths["inline"]}
        if protected.get(me):
            kept = ", ".join(sorted(p.replace("inline:", "inline ").rsplit("/", 1)[-1] for p in protected[me]))
            notes.append(
                f"You are signed in as {me}, and your only way to administrator today is held directly "
                f"({kept}). The plan adds you to the new group but leaves that on you in this run: IAM takes a moment to "
                "apply a new group membership, and removing your own last admin path now could lock you out "
                "of the rest of this plan. Run this step again later to move it to the group.")

    creates: list[Change] = []
    adds: list[Change] = []
    detaches: list[Change] = []
    taken = set(groups)
    for key, members in sorted(by_set.items(), key=lambda kv: _proposed_name(kv[0])):
        attached, inline = key
        existing = sorted(n for n, g in groups.items() if _policy_set(g) == key)
        if existing:
            group = existing[0]
        else:
            proposed = _proposed_name(key)
            group = renames.get(proposed, proposed)
            base, i = group, 2
            while group in taken:
                group, i = f"{base[:124]}-{i}", i + 1
            taken.add(group)
            creates.append(Change(
                fixes=PREPARATION,
                reason=f"Create group {group} to hold the policies {', '.join(members)} now hold directly.",
                call=Call("iam", "CreateGroup", {"GroupName": group}),
                after={"GroupName": group},
                undo=Call("iam", "DeleteGroup", {"GroupName": group})))
            for arn in attached:
                creates.append(Change(
                    fixes=PREPARATION,
                    reason=f"Give group {group} the managed policy {arn.rsplit('/', 1)[-1]}.",
                    call=Call("iam", "AttachGroupPolicy", {"GroupName": group, "PolicyArn": arn}),
                    after=arn, undo=Call("iam", "DetachGroupPolicy", {"GroupName": group, "PolicyArn": arn})))
            for pname, _ in inline:
                doc = json.dumps(users[members[0]]["inline"][pname])  # the document as the user holds it
                creates.append(Change(
                    fixes=PREPARATION,
                    reason=f"Copy the inline policy {pname} to group {group}.",
                    call=Call("iam", "PutGroupPolicy", {"GroupName": group, "PolicyName": pname, "PolicyDocument": doc}),
                    after=json.loads(doc),
                    undo=Call("iam", "DeleteGroupPolicy", {"GroupName": group, "PolicyName": pname})))
        for user in members:
            info = users[user]
            if group not in info["groups"]:
                adds.append(Change(
                    fixes=PREPARATION,
                    reason=f"Add {user} to group {group}, which holds the same policies.",
                    call=Call("iam", "AddUserToGroup", {"GroupName": group, "UserName": user}),
                    before=info["groups"], after=sorted(info["groups"] + [group]),
                    undo=Call("iam", "RemoveUserFromGroup", {"GroupName": group, "UserName": user})))
            keep = protected.get(user, set())
            for arn in attached:
                if arn in keep:
                    continue
                detaches.append(Change(
                    fixes=MIGRATION,
                    reason=f"Detach {arn.rsplit('/', 1)[-1]} from {user}; the user keeps it through group {group}.",
                    call=Call("iam", "DetachUserPolicy", {"UserName": user, "PolicyArn": arn}),
                    before=arn, undo=Call("iam", "AttachUserPolicy", {"UserName": user, "PolicyArn": arn})))
            for pname, _ in inline:
                if "inline:" + pname in keep:
                    continue
                doc = json.dumps(info["inline"][pname])
                detaches.append(Change(
                    fixes=MIGRATION,
                    reason=f"Delete the inline policy {pname} of {user}; the user keeps it through group {group}.",
                    call=Call("iam", "DeleteUserPolicy", {"UserName": user, "PolicyName": pname}),
                    before=json.loads(doc),
                    undo=Call("iam", "PutUserPolicy", {"UserName": user, "PolicyName": pname, "PolicyDocument": doc})))
    if creates or adds or detaches:
        notes.insert(0, "Groups are created and users added before any policy is removed from a user, so "
                        "nobody loses a permission on the way.")
    return creates + adds + detaches, notes
