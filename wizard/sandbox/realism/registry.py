"""The realism rules' tables, filled by ``@rule`` and ``@after`` as each rule module is imported
(``RealismLayer`` imports them all; they import this, never the package)."""

from __future__ import annotations

from typing import Callable

RULES: dict[tuple[str, str], list[Callable]] = {}
AFTER: dict[tuple[str, str], list[Callable]] = {}
ANY = ("*", "*")  # rules that look at every request (e.g. a just-created access key signing it)


def _register(table: dict, service: str, operations: tuple[str, ...]):
    def register(fn):
        for op in operations:
            table.setdefault((service, op), []).append(fn)
        return fn

    return register


def rule(service: str, *operations: str):
    """Register ``fn(call) -> Response | None`` to run before the gap handlers and moto."""
    return _register(RULES, service, operations)


def after(service: str, *operations: str):
    """Register ``fn(call, response) -> Response`` to run on the answer (gap handler's or moto's)."""
    return _register(AFTER, service, operations)
