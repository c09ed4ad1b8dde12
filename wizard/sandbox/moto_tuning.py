"""Per-request work moto 5.2.5 repeats although its answer never changes, done once instead.

The sandbox shares the machine with the wizard it serves, so its CPU shows in every benchmark
and test. Two of moto's per-request costs give the same answer every time:

- ``method_names_from_class`` lists a response class's methods with ``inspect.getmembers``
  (about a tenth of the sandbox's CPU in a full `check`);
- ``list_of_moto_modules`` lists moto's package directory on disk to route a request.

Both are memoized here. Only the sandbox installs this; it never touches the wizard's AWS access.
"""

from __future__ import annotations

from functools import lru_cache

_installed = False


def install() -> None:
    """Memoize the two lookups (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.backends as backends
    import moto.core.responses as responses

    responses.method_names_from_class = lru_cache(maxsize=None)(responses.method_names_from_class)
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    _installed = True
