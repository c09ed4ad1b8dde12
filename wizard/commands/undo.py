"""`aws-essentials undo [ID | --last]`: reverse journalled changes from their recorded before-state.

``undo ID`` reverses one call; ``undo --last`` the last apply (every call of one ``run_changes``,
newest first). Only changes made in the account and at the endpoint this run is pointed at are
reversed, and each one only while its resource is still as the wizard left it
(:mod:`wizard.undo_checks`): an undo never throws away a change someone made since.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from steps.base import Call, Change, StepError
from wizard.commands.common import UsageError, add_target_options, open_aws
from wizard.commands.org_options import add_member_role_option, member_role


def register(sub: Any) -> None:
    parser = sub.add_parser("undo", help="reverse a change the wizard made (shows the calls and asks first)")
    add_target_options(parser)
    parser.add_argument("id", nargs="?", help="a change's id or an apply's id (all its changes), from "
                                              "`aws-essentials history`")
    parser.add_argument("--last", action="store_true", help="every change of the most recent apply")
    parser.add_argument("--account", metavar="ID", help="with --last: the last apply in this account; a member "
                                                         "account's change (fix --org) is undone from the management "
                                                         "account through --org-role, as fix did")
    add_member_role_option(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask (for scripts)")


def pick(entries: list, account_id: str, entry_id: str | None, last: bool) -> list:
    """The journal entries to undo, newest first, or a usage error that says why none fits.

    ``entries`` may hold every account's: an id made in another account is named as such.
    """
    if bool(entry_id) == bool(last):
        raise UsageError("name one change to undo: an id from `aws-essentials history`, or --last")
    if last:
        mine = [e for e in entries if e.account_id == account_id and not e.undo_of]
        newest = next((e for e in reversed(mine) if e.ok and not e.undone_by and not e.interrupted), None)
        if newest is None:
            raise UsageError("there is no change to undo in this account's journal")
        group = [e for e in mine if (e.apply_id or e.id) == (newest.apply_id or newest.id)]
        return list(reversed(group))
    for entry in entries:
        if entry.id == entry_id:
            return [entry]
    # an apply's id: every change of that apply (in one account), newest first
    group = [e for e in entries if e.apply_id == entry_id and not e.undo_of]
    if group:
        return list(reversed(group))
    raise UsageError(f"no change with id '{entry_id}' in the journal; see `aws-essentials history`")


def check_target(entry: Any, account_id: str, endpoint: str) -> str:
    """Refuse (StepError) a change made in another account or at another endpoint; returns a note
    to show for an old entry that did not record its endpoint."""
    if entry.account_id != account_id:
        raise StepError(f"change {entry.id} was made in account {entry.account_id}, and this run is signed in to "
                        f"account {account_id}", "run undo with that account's credentials")
    if not entry.endpoint:
        return (f"note: change {entry.id} was journalled before endpoints were recorded; it is undone here "
                f"because it was made in this account ({account_id})")
    if entry.endpoint != endpoint:
        raise StepError(f"change {entry.id} was made at {entry.endpoint}, and this run is pointed at {endpoint}",
                        "point the run where the change was made (AWS_ENDPOINT_URL) and run undo again")
    return ""


def reach_member(aws: Any, entry: Any, role: str) -> Any:
    """The AWS object of ``entry``'s account through ``role``, or the refusal of check_target with why."""
    member = aws.member(entry.account_id, role)
    try:
        member.identity()
    except StepError as error:
        raise StepError(f"change {entry.id} was made in account {entry.account_id}, and this run is signed in to "
                        f"account {aws.account_id}",
                        f"run undo with that account's credentials, or from its organization's management account "
                        f"(role {role} could not be assumed: {error.title})") from None
    print(f"Undoing in member account {entry.account_id} through role {role}.")
    return member


def undo_change(entry: Any) -> Change:
    """The change that reverses ``entry``; StepError when it cannot be undone."""
    if entry.undone_by:
        raise StepError(f"change {entry.id} was already undone (by {entry.undone_by})")
    if not entry.ok:
        raise StepError(f"change {entry.id} did not complete ({entry.result}), so there is nothing to reverse",
                        "run `aws-essentials check` to see the account as it is")
    undo = entry.change.get("undo")
    if not undo:
        note = entry.change.get("undo_note") or "the wizard recorded no way to reverse it"
        raise StepError(f"change {entry.id} ({entry.call}) cannot be undone: {note}")
    call = Call(undo["service"], undo["operation"], undo["params"], undo.get("region"))
    original = entry.change.get("call") or {}
    return Change(
        reason=f"Undo {entry.call} made on {entry.time} by the {entry.step} step",
        call=call,
        before=entry.change.get("after"),
        after=entry.change.get("before"),
        undo=Call(original["service"], original["operation"], entry.params, original.get("region")),
    )


def plan_undo(entries: list, account_id: str, endpoint: str) -> tuple[list[tuple[Any, Change]], list[str]]:
    """What to reverse (entry, its undo change), newest first, and lines about what is left as it is.

    One call named by id must be reversible; in ``--last``'s apply, calls that cannot be (a deleted
    key, a failed call, one whose current state cannot be read back) are listed and the rest reversed.
    """
    from wizard.undo_checks import checkable

    notes: list[str] = []
    todo = []
    for entry in entries:
        note = check_target(entry, account_id, endpoint)
        if note and note not in notes:
            notes.append(note)
        if entry.undone_by and len(entries) > 1:
            continue  # already reversed by an earlier `undo ID`
        try:
            change = undo_change(entry)
            checkable(entry)
            todo.append((entry, change))
        except StepError as error:
            if len(entries) == 1:
                raise
            notes.append(f"left as it is: {error.title}")
    if not todo:
        raise StepError("nothing in the last apply can be undone", "; ".join(notes))
    return todo, notes


def run(args: argparse.Namespace) -> int:
    from wizard.journal import Journal, endpoint_of
    from wizard.org import ACCOUNT_ID
    from wizard.undo_checks import Drifted, check_current

    role = member_role(args)
    account = getattr(args, "account", None)
    if account and not args.last:
        raise UsageError("--account goes with --last (an id already names its account)")
    if account and not ACCOUNT_ID.match(account):
        raise UsageError(f"'{account[:40]}' is not an account id; account ids are 12 digits")
    aws = open_aws(args)
    endpoint = endpoint_of(aws)
    chosen = pick(Journal(aws.account_id, endpoint=endpoint).entries(all_accounts=True),
                  account or aws.account_id, args.id, args.last)
    if chosen[0].account_id != aws.account_id:
        # A member's change (fix --org): reach that account the way fix did, through the role
        # assumed from this (management) account; check_target and the drift checks then run there.
        aws = reach_member(aws, chosen[0], role)
    journal = Journal(aws.account_id, endpoint=endpoint)
    todo, notes = plan_undo(chosen, aws.account_id, endpoint)
    for note in notes:
        print(note)
    for entry, change in todo:
        print(f"Undo {entry.id}: {entry.call} ({entry.step}, {entry.time})")
        print(f"  will call {change.call.name} {json.dumps(change.call.params, sort_keys=True, default=str)}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("undo asks before it writes; pass --yes to confirm without a terminal")
        import questionary

        from wizard.prompts import ask

        try:
            sure = ask(questionary.confirm(f"Make {'this call' if len(todo) == 1 else f'these {len(todo)} calls'}?",
                                           default=False))
        except (KeyboardInterrupt, EOFError):
            sure = False
        if not sure:
            print("Nothing was changed.")
            return 0
    journal.start_apply()
    done: list[str] = []
    for entry, change in todo:
        # Checked right before its own undo, newest first: an older call on the same resource is
        # compared with the state the newer call's undo has just restored.
        try:
            check_current(aws, entry)
        except Drifted as drifted:
            if done:
                drifted.hint += f"; already reversed: {', '.join(done)}"
            raise
        entry_id = journal.begin(entry.step, change, change.call.params, undo_of=entry.id)
        try:
            response = aws.write(change.call)
        except StepError as error:
            journal.finish(entry_id, ok=False, detail=str(error))
            if done:
                error.hint += f"; already reversed: {', '.join(done)}"
            raise
        journal.finish(entry_id, ok=True, response=response)
        done.append(entry.id)
        print(f"Done: {entry.call} reversed (journal entry {entry_id}).")
    return 0
