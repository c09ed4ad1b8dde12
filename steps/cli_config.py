"""The AWS CLI's config file as text: read it, find SSO profiles, merge sections, show the diff.

Pure text functions (plus one read-only :func:`read_config`), shared by the `sso` step, which plans
the change and shows its exact diff, and by ``wizard.aws_config``, which writes it. The merge is
textual so that everything we do not own (other profiles, comments, ordering, blank lines) is kept
byte for byte; ``configparser`` checks the result still parses and that no other section changed.

Secret values that some people keep in this file (``aws_secret_access_key``...) are masked in
everything that leaves this module (state, diff), and are never part of the sections we write.
"""

from __future__ import annotations

import configparser
import difflib
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Mapping, TypedDict

from steps.base import UNREADABLE, unreadable

# The config file as collect reads it; the unreadable marker (with the reason) when it exists but cannot be read.
ConfigFile = TypedDict("ConfigFile", {
    "path": str, "exists": bool,
    "sha256": str,  # digest of the exact content ("" when there is no file)
    "text": str,  # with the secrets masked
    UNREADABLE: str,
}, total=False)

SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})
_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_.-]+)(\s*[=:]\s*)(.*?)\s*$")


def config_path() -> Path:
    """Where the AWS CLI reads its config: ``AWS_CONFIG_FILE`` or ``~/.aws/config``."""
    explicit = os.environ.get("AWS_CONFIG_FILE")
    return Path(explicit).expanduser() if explicit else Path.home() / ".aws" / "config"


def digest(text: str | None) -> str:
    """The fingerprint of the file's exact content ("" when there is no file)."""
    return "" if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_config(path: Path | None = None) -> ConfigFile:
    """Read-only snapshot of the config file: its path, digest, and masked text."""
    path = path or config_path()
    try:
        text: str | None = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as error:
        return {"path": str(path), "exists": True, "sha256": "", "text": "", **unreadable(str(error))}
    return {"path": str(path), "exists": text is not None, "sha256": digest(text), "text": mask(text or "")}


def mask(text: str) -> str:
    """``text`` with the values of secret keys replaced by ``***``."""
    out = []
    for line in text.splitlines(keepends=True):
        m = _KEY.match(line.rstrip("\r\n"))
        if m and m.group(2).lower() in SECRET_KEYS:
            ending = line[len(line.rstrip("\r\n")):]
            line = f"{m.group(1)}{m.group(2)}{m.group(3)}***{ending}"
        out.append(line)
    return "".join(out)


def sections(text: str) -> dict[str, dict[str, str]]:
    """Section name (``profile x``, ``sso-session y``, ``default``) -> its keys, leniently parsed."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return _loose_sections(text)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _loose_sections(text: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        header = _HEADER.match(line)
        if header:
            current = out.setdefault(header.group(1).strip(), {})
            continue
        m = _KEY.match(line)
        if m and current is not None and not line[:1].isspace():
            current[m.group(2).lower()] = m.group(4)
    return out


def find_sso_profile(text: str, start_url: str, account_id: str, role_name: str) -> str | None:
    """The name of a profile that signs in to ``account_id`` as ``role_name`` through ``start_url``."""
    found = sections(text)
    for name, keys in found.items():
        if not (name == "default" or name.startswith("profile ")):
            continue
        if keys.get("sso_account_id") != account_id or keys.get("sso_role_name") != role_name:
            continue
        url = keys.get("sso_start_url")
        session = keys.get("sso_session")
        if session:
            url = found.get(f"sso-session {session}", {}).get("sso_start_url", url)
        if (url or "").rstrip("/#") == start_url.rstrip("/#"):
            return "default" if name == "default" else name[len("profile "):]
    return None


def find_sso_session(text: str, start_url: str) -> str | None:
    """The name of an ``sso-session`` section for ``start_url``, if there is one."""
    for name, keys in sections(text).items():
        if name.startswith("sso-session ") and (keys.get("sso_start_url") or "").rstrip("/#") == start_url.rstrip("/#"):
            return name[len("sso-session "):]
    return None


def merge(text: str, updates: Mapping[str, Mapping[str, str]]) -> str:
    """``text`` with each section of ``updates`` set (keys replaced or added, others kept), and
    missing sections appended. Nothing outside those sections changes."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if any(line.endswith("\r\n") for line in lines) else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    for section, keys in updates.items():
        start = _find_header(lines, section)
        if start is None:
            if lines and lines[-1].strip():
                lines.append(newline)
            lines.append(f"[{section}]{newline}")
            lines.extend(f"{k} = {v}{newline}" for k, v in keys.items())
            continue
        end = start + 1
        while end < len(lines) and not _HEADER.match(lines[end].rstrip("\r\n")):
            end += 1
        body = lines[start + 1:end]
        missing = dict(keys)
        for i, line in enumerate(body):
            m = _KEY.match(line.rstrip("\r\n"))
            if not m or line[:1].isspace():
                continue
            key = m.group(2).lower()
            if key in missing:
                value = missing.pop(key)
                if m.group(4) != value:
                    body[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{value}{newline}"
        last = max((i for i, line in enumerate(body) if line.strip()), default=-1)
        body[last + 1:last + 1] = [f"{k} = {v}{newline}" for k, v in missing.items()]
        lines[start + 1:end] = body
    result = "".join(lines)
    _check_only_sections_changed(text, result, updates)
    return result


def _find_header(lines: list[str], section: str) -> int | None:
    wanted = " ".join(section.split())
    for i, line in enumerate(lines):
        m = _HEADER.match(line.rstrip("\r\n"))
        if m and " ".join(m.group(1).split()) == wanted:
            return i
    return None


def _check_only_sections_changed(before: str, after: str, updates: Mapping[str, Any]) -> None:
    old, new = sections(before), sections(after)
    for name, keys in old.items():
        if name not in updates and new.get(name) != keys:
            raise ValueError(f"merging would change the section [{name}]; nothing was written")


def diff(before: str, after: str, path: str) -> str:
    """A unified diff of the (masked) file, as shown to the user and re-checked before writing."""
    return "".join(difflib.unified_diff(
        mask(before).splitlines(keepends=True), mask(after).splitlines(keepends=True),
        fromfile=f"{path} (now)", tofile=f"{path} (after)"))
