"""Realism rules: s3_kms."""

from __future__ import annotations

from . import after, rule  # noqa: F401
