"""`aws-essentials undo [ID | --last]`: reverse a journalled change from its recorded before-state."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from steps.base import Call, Change, StepError
from wizard.commands.common import UsageError, add_target_options, open_aws


def register(sub: Any) -> None:
    parser = sub.add_parser("undo", help="reverse a change the wizard made (shows the call and asks first)")
    add_target_options(parser)
    parser.add_argument("id", nargs="?", help="the change's id, from `aws-essentials history`")
    parser.add_argument("--last", action="store_true", help="the most recent change that can be undone")
    parser.add_argument("--yes", action="store_true", help="do not ask (for scripts)")


def pick(entries: list, entry_id: str | None, last: bool) -> Any:
    """The journal entry to undo, or a usage error that says why none fits."""
    if bool(entry_id) == bool(last):
        raise UsageError("name one change to undo: an id from `aws-essentials history`, or --last")
    if last:
        candidates = [e for e in entries if e.ok and not e.undone_by and not e.undo_of and not e.interrupted]
        if not candidates:
            raise UsageError("there is no change to undo in this account's journal")
        return candidates[-1]
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise UsageError(f"no change with id '{entry_id}' in this account's journal; see `aws-essentials history`")


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


def run(args: argparse.Namespace) -> int:
    from wizard.journal import Journal

    aws = open_aws(args)
    journal = Journal(aws.account_id)
    entry = pick(journal.entries(), args.id, args.last)
    change = undo_change(entry)
    print(f"Undo {entry.id}: {entry.call} ({entry.step}, {entry.time})")
    print(f"  will call {change.call.name} {json.dumps(change.call.params, sort_keys=True, default=str)}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("undo asks before it writes; pass --yes to confirm without a terminal")
        import questionary

        if not questionary.confirm("Make this call?", default=False).ask():
            print("Nothing was changed.")
            return 0
    entry_id = journal.begin(entry.step, change, change.call.params, undo_of=entry.id)
    try:
        response = aws.write(change.call)
    except StepError as error:
        journal.finish(entry_id, ok=False, detail=str(error))
        raise
    journal.finish(entry_id, ok=True, response=response)
    print(f"Done: {entry.call} reversed (journal entry {entry_id}).")
    return 0
