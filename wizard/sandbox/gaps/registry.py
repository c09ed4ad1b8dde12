"""The gap handlers' table: ``(service, operation) -> handler``, filled by ``@handles`` as each gap
module is imported (the package imports them all; they import this, never the package)."""

from __future__ import annotations

from typing import Callable

HANDLERS: dict[tuple[str, str], Callable] = {}


def handles(service: str, *operations: str):
    def register(fn):
        for op in operations:
            HANDLERS[(service, op)] = fn
        return fn

    return register
