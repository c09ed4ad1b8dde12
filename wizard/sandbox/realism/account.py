"""Realism rules: account."""

from __future__ import annotations

from . import after, rule  # noqa: F401
