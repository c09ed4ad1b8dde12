"""The "Since last visit" section: what was fixed, regressed and is new since the last run, as text
(`check --diff`), Markdown and HTML.

It renders ``document["since_last_visit"]``, computed by wizard/lastrun.py (one account: a
``Diff.to_dict()``) or wizard/lastrun_org.py (an organization: ``{"organization": True,
"accounts": [...], "total": {...}}``) before the run is stored. Every text from the account
(titles, resources) goes through wizard/safe_text.py.
"""

from __future__ import annotations

from typing import Any

from wizard.safe_text import html as _e, markdown as _md

_KINDS = ("fixed", "regressed", "new")
_PLURAL = {"step": "steps", "region": "regions", "check": "checks"}


# --- words shared by every rendering -----------------------------------------------------------------


def counts(data: dict[str, Any]) -> str:
    """"1 fixed, 0 regressed, 2 new" of one account's comparison (or of :func:`totals`)."""
    return ", ".join(f"{n if isinstance(n, int) else len(n or [])} {kind}" for kind, n in
                     ((kind, data.get(kind)) for kind in _KINDS))


def dates(data: dict[str, Any]) -> str:
    """The dates of both runs; the range when the compared steps were last checked at different times."""
    times = data.get("previous_times") or []
    before = f"{times[0]} to {times[-1]}, each step against its own last check" if len(times) > 1 \
        else data.get("previous_time") or "unknown date"
    return f"{before}; this run {data.get('current_time') or 'now'}"


def scope(data: dict[str, Any]) -> str:
    """Which steps and regions were compared."""
    compared = data.get("compared") or {}
    steps = ", ".join(compared.get("steps") or []) or "none"
    regions = ", ".join(compared.get("regions") or []) or "none"
    return f"steps {steps}; regions {regions} (and global checks)"


def left_out(data: dict[str, Any]) -> str:
    """What only one of the two runs assessed, and why, in one line ("" when nothing was left out)."""
    parts = []
    for row in data.get("left_out") or []:
        names = row["names"]
        kind = row["kind"] if len(names) == 1 else _PLURAL.get(row["kind"], row["kind"])
        parts.append(f"{kind} {', '.join(names)} ({row['why']})")
    return "; ".join(parts)


def headline(data: dict[str, Any]) -> str:
    """One account's comparison in one sentence."""
    if data.get("not_assessed"):
        kept = f" (of {data['previous_time']})" if data.get("previous_time") else ""
        return f"not assessed this run ({data['not_assessed']}); its last run{kept} stays the reference"
    if data.get("not_compared"):
        return f"not compared ({data['not_compared']})"
    if data.get("first_run"):
        return "no earlier run to compare with; this run is now the reference"
    if data.get("nothing_compared"):
        return (f"nothing compared with the last run ({data.get('previous_time') or 'unknown date'}): no step was "
                "assessed by both runs")
    return f"{counts(data)} (last run {dates(data)})"


def where(row: dict[str, Any]) -> str:
    return (row.get("region") or "global") + (f" {row['resource']}" if row.get("resource") else "")


def sentence(data: dict[str, Any]) -> str:
    """:func:`headline` as a sentence of its own."""
    text = headline(data)
    return text[:1].upper() + text[1:] + "."


def change_line(row: dict[str, Any]) -> str:
    was = row.get("before") or "not seen"
    now = row.get("after") or "no longer reported"
    return f"{row['step']}: {row.get('title') or row['check']} [{where(row)}] ({was} -> {now})"


def totals(data: dict[str, Any]) -> dict[str, int]:
    """An organization's fixed/regressed/new counts over every account compared."""
    return {kind: sum(len(a.get(kind) or []) for a in data.get("accounts") or []) for kind in _KINDS}


# --- text (check --diff) ---------------------------------------------------------------------------------


def account_text(data: dict[str, Any], indent: str = "") -> str:
    """One account's diff as text for people."""
    if data.get("first_run") and not indent:
        return "No earlier run of this account to compare with; this run is now the reference.\n"
    if indent:
        lines = [f"{indent}{data['account_id']}{_name(data)}: {headline(data)}"]
    elif data.get("nothing_compared"):
        lines = [sentence(data)]
    else:
        lines = [f"Since the last run ({dates(data)}): {counts(data)}."]
    pad = indent + ("  " if indent else "")
    if not (data.get("first_run") or data.get("not_assessed") or data.get("not_compared")):
        if not data.get("nothing_compared"):
            lines.append(f"{pad}Compared: {scope(data)}.")
        if left_out(data):
            lines.append(f"{pad}Not compared: {left_out(data)}.")
    for kind in _KINDS:
        if data.get(kind):
            lines.append(f"{pad}{kind.capitalize()}:")
            lines += [f"{pad}  {change_line(row)}" for row in data[kind]]
    return "\n".join(lines) + "\n"


def org_headline(data: dict[str, Any]) -> str:
    """The organization's total since its last run, in one sentence (no full stop)."""
    if data.get("first_run"):
        if not any(_compared(a) for a in data.get("accounts") or []):
            return "No earlier run to compare with; this run is now the reference for every account"
        # accounts checked on their own before: each is compared with its own last run
        return f"No earlier organization run; each account against its own last run: {counts(totals(data))} in total"
    return (f"Since the last organization run ({data.get('previous_time') or 'unknown date'}; this run "
            f"{data.get('current_time')}): {counts(totals(data))} in total")


def org_text(data: dict[str, Any]) -> str:
    """An organization's diff: the total, then each account."""
    return org_headline(data) + ".\n" + "".join(account_text(a, indent="  ") for a in data.get("accounts") or [])


def text(data: dict[str, Any]) -> str:
    return org_text(data) if data.get("organization") else account_text(data)


def _name(data: dict[str, Any]) -> str:
    return f" ({data['name']})" if data.get("name") else ""


# --- Markdown ----------------------------------------------------------------------------------------


def trend_markdown(document: dict[str, Any]) -> list[str]:
    """The report's "Since last visit" section (nothing when the document has no comparison)."""
    data = document.get("since_last_visit")
    if not data:
        return []
    out = ["", "## Since last visit", ""]
    accounts = data["accounts"] if data.get("organization") else [data]
    if data.get("organization"):
        out.append(_md(org_headline(data)) + ".")
        out += ["", "| Account | Last visit | Fixed | Regressed | New | Note |", "|---|---|---|---|---|---|"]
        for a in accounts:
            cells = [a["account_id"] + _name(a), a.get("previous_time") or "none", *_counts_cells(a),
                     "" if _compared(a) else headline(a)]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("| **Total** |  | " + " | ".join(str(n) for n in totals(data).values()) + " |  |")
    for a in accounts:
        if data.get("organization") and not _has_detail(a):
            continue
        if data.get("organization"):
            out += ["", f"### {_md(a['account_id'] + _name(a))}", ""]
        out.append(_md(sentence(a)))
        if _compared(a):
            out += ["", f"Compared: {_md(scope(a))}."] + ([f"Not compared: {_md(left_out(a))}."] if left_out(a) else [])
        for kind in _KINDS:
            if a.get(kind):
                out += ["", f"**{kind.capitalize()}**", ""] + [f"- {_md(change_line(row))}" for row in a[kind]]
    return out


# --- HTML --------------------------------------------------------------------------------------------


def trend_html(document: dict[str, Any]) -> list[str]:
    """The report's "Since last visit" section (nothing when the document has no comparison)."""
    data = document.get("since_last_visit")
    if not data:
        return []
    out = ['<section class="trend"><h2>Since last visit</h2>']
    accounts = data["accounts"] if data.get("organization") else [data]
    if data.get("organization"):
        out.append(f'<p class="stepnote">{_e(org_headline(data))}.</p>')
        rows = "".join(
            f"<tr><td>{_e(a['account_id'] + _name(a))}</td><td>{_e(a.get('previous_time') or 'none')}</td>"
            + "".join(f'<td class="num">{n}</td>' for n in _counts_cells(a))
            + f"<td>{'' if _compared(a) else _e(headline(a))}</td></tr>" for a in accounts)
        total = "".join(f'<td class="num">{n}</td>' for n in totals(data).values())
        out.append('<table class="findings"><thead><tr><th>Account</th><th>Last visit</th><th class="num">Fixed</th>'
                   '<th class="num">Regressed</th><th class="num">New</th><th>Note</th></tr></thead>'
                   f"<tbody>{rows}<tr><th>Total</th><td></td>{total}<td></td></tr></tbody></table>")
    for a in accounts:
        if data.get("organization") and not _has_detail(a):
            continue
        if data.get("organization"):  # folded: the table above is the first page; the detail is on demand
            out.append(f"<details><summary>{_e(a['account_id'] + _name(a))}: {_e(headline(a))}</summary>")
        else:
            out.append(f"<p>{_e(sentence(a))}</p>")
        if _compared(a):
            out.append(f'<p class="note">Compared: {_e(scope(a))}.'
                       + (f" Not compared: {_e(left_out(a))}." if left_out(a) else "") + "</p>")
        changes = [(kind, row) for kind in _KINDS for row in a.get(kind) or []]
        if changes:
            body = "".join(f"<tr><td>{kind.capitalize()}</td><td>{_e(row['step'])}</td>"
                           f"<td>{_e(row.get('title') or row['check'])}</td>"
                           f'<td class="where">{_e(where(row))}</td>'
                           f"<td>{_e(row.get('before') or 'not seen')} → {_e(row.get('after') or 'gone')}</td></tr>"
                           for kind, row in changes)
            out.append('<table class="findings"><thead><tr><th>Change</th><th>Step</th><th>Check</th><th>Where</th>'
                       f"<th>Status</th></tr></thead><tbody>{body}</tbody></table>")
        if data.get("organization"):
            out.append("</details>")
    out.append("</section>")
    return out


def _counts_cells(a: dict[str, Any]) -> list[str]:
    """An account's fixed/regressed/new counts for a table; a dash where nothing was compared."""
    return [str(len(a.get(kind) or [])) if _compared(a) else "—" for kind in _KINDS]


def _compared(a: dict[str, Any]) -> bool:
    return not (a.get("first_run") or a.get("not_assessed") or a.get("not_compared") or a.get("nothing_compared"))


def _has_detail(a: dict[str, Any]) -> bool:
    """An organization report details only the accounts where something moved or was left out."""
    return _compared(a) and bool(any(a.get(kind) for kind in _KINDS) or a.get("left_out"))
