"""What a confirmation says before the list of calls: how many calls per service, operation and
region, which are risky, and exactly which cannot be undone. Shared by the TUI and plain mode."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from steps.base import Change, Plan

# Each line is (kind, text): "head" a heading, "item" a plain line, "warn" something to weigh,
# "ok" reassurance. Texts hold account data as-is; each interface escapes them its own way.
Line = tuple[str, str]


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_lines(plan: Plan, numbered: Sequence[Change]) -> list[Line]:
    """The summary of ``plan``'s automatic calls; a change's number is its place in ``numbered``
    (the list the interface shows below the summary), counted from 1."""
    automatic = plan.automatic
    number = {id(c): n for n, c in enumerate(numbered, 1)}
    lines: list[Line] = [("head", f"Summary: {count(len(automatic), 'call')}")]
    services = Counter(c.call.service for c in automatic if c.call)
    operations: dict[str, Counter[str]] = {}
    for change in automatic:
        assert change.call is not None
        operations.setdefault(change.call.name, Counter())[change.call.region or "global"] += 1
    for service, total in sorted(services.items()):
        lines.append(("item", f"  {service}: {count(total, 'call')}"))
        for name, regions in sorted(operations.items()):
            if name.split(".", 1)[0] != service:
                continue
            where = ", ".join(region + (f" ×{n}" if n > 1 else "") for region, n in sorted(regions.items()))
            lines.append(("item", f"    {name}: {sum(regions.values())} in {count(len(regions), 'region')} ({where})"))
    risky = [c for c in automatic if c.risky]
    if risky:
        lines.append(("warn", f"Risky ({count(len(risky), 'call')}; the account id must be typed):"))
        lines.extend(("warn", f"  {_label(c, number)}") for c in risky)
    irreversible = [c for c in automatic if c.undo is None]
    # an undo call with a note reverses the change only in part (versioning can only be suspended)
    partial = [c for c in automatic if c.undo is not None and c.undo_note]
    if irreversible:
        lines.append(("warn", f"Cannot be undone ({count(len(irreversible), 'call')}; "
                              "`aws-essentials undo` has no call that reverses them):"))
        lines.extend(_grouped(irreversible, number))
    if partial:
        lines.append(("warn", f"Undone only in part ({count(len(partial), 'call')}; "
                              "`aws-essentials undo` reverses what it can):"))
        lines.extend(_grouped(partial, number))
    rest = len(automatic) - len(irreversible) - len(partial)
    if not irreversible and not partial:
        lines.append(("ok", "Every call has an undo call and is journalled before it is sent, "
                            "so `aws-essentials undo` can reverse it."))
    elif rest:
        lines.append(("item", f"The other {count(rest, 'call')} can be reversed with `aws-essentials undo`; "
                              "every call is journalled before it is sent."))
    return lines


def _grouped(changes: Sequence[Change], number: dict[int, int]) -> list[Line]:
    """One line per operation and note, with the numbers of its calls in the list below."""
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        assert change.call is not None
        note = change.undo_note or "no undo call is known for this change"
        groups.setdefault((change.call.name, note), []).append(change)
    lines: list[Line] = []
    for (name, note), group in groups.items():
        if len(group) == 1:
            lines.append(("warn", f"  {_label(group[0], number)}: {note}"))
            continue
        places = ", ".join(f"#{number[id(c)]}" for c in group if id(c) in number)
        lines.append(("warn", f"  {name} ×{len(group)}" + (f" ({places})" if places else "") + f": {note}"))
    return lines


def _label(change: Change, number: dict[int, int]) -> str:
    assert change.call is not None
    place = number.get(id(change))
    return f"{'#' + str(place) + ' ' if place else ''}{change.call.name} ({change.call.region or 'global'})"
