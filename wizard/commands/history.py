"""`aws-essentials history`: the change journal, newest last."""

from __future__ import annotations

import argparse
import json
from typing import Any

from wizard.paths import state_dir


def register(sub: Any) -> None:
    parser = sub.add_parser("history", help="list the changes the wizard made (the journal)")
    parser.add_argument("--account", metavar="ID", help="only this account")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    from wizard.journal import read_entries

    entries = [e for e in read_entries(state_dir() / "journal.jsonl")
               if not args.account or e.account_id == args.account]
    if args.format == "json":
        print(json.dumps([{
            "id": e.id, "time": e.time, "account_id": e.account_id, "endpoint": e.endpoint,
            "apply_id": e.apply_id, "step": e.step, "call": e.call,
            "result": e.result, "undo_of": e.undo_of, "detail": e.detail,
            "undoable": bool(e.change.get("undo")), "params": e.params,
        } for e in entries], indent=2))
        return 0
    if not entries:
        print("The journal is empty: the wizard has not changed anything yet.")
        return 0
    print(f"{'id':12}  {'time (UTC)':25}  {'account':12}  {'step':13}  {'call':40}  result")
    for e in entries:
        call = e.call + (f" (undo of {e.undo_of})" if e.undo_of else "")
        print(f"{e.id:12}  {e.time:25}  {e.account_id:12}  {e.step:13}  {call:40}  {e.result}")
    return 0
