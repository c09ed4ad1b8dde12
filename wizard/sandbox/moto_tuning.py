"""Per-request work moto 5.2.5 repeats although its answer never changes, done once instead.

The sandbox shares the machine with the wizard it serves, so its CPU shows in every benchmark
and test. Two of moto's per-request costs give the same answer every time:

- ``method_names_from_class`` lists a response class's methods with ``inspect.getmembers``
  (about a tenth of the sandbox's CPU in a full `check`);
- ``list_of_moto_modules`` lists moto's package directory on disk to route a request.

Both are memoized here. moto means to keep each service's table of error shapes
(``ErrorLookupFactory``'s cache) but builds a new factory, so a new table, for every error it
answers: one factory is shared here (a twentieth of the sandbox's CPU for the large benchmark
account, whose buckets answer thousands of "no such configuration" errors). And
``GetAccessKeyLastUsed`` listed every access key of every user of every account to find one (a
tenth of the sandbox's CPU for that account's 1,000 users): each account's own table of keys is
looked in by id first, and moto's search runs when the key is not there, so the answer is moto's.
Only the sandbox installs this; it never touches the wizard's AWS access.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

_installed = False


def install() -> None:
    """Memoize the lookups and share the error tables (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.backends as backends
    import moto.core.responses as responses

    responses.method_names_from_class = lru_cache(maxsize=None)(responses.method_names_from_class)
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    import moto.core.errors as errors

    shared = errors.ErrorLookupFactory()
    errors.ErrorLookupFactory = lambda: shared  # get_error_model's only use of the class
    from moto.iam.models import IAMBackend

    IAMBackend.get_access_key_last_used = _key_by_id(IAMBackend.get_access_key_last_used)
    _installed = True


def _key_by_id(search: Callable[[Any, str], dict]) -> Callable[[Any, str], dict]:
    def get_access_key_last_used(backend: Any, access_key_id: str) -> dict:
        from moto.iam.models import iam_backends

        for account in list(iam_backends.values()):  # the accounts moto's search walks, in its order
            own = account[backend.partition]
            key = own.access_keys.get(access_key_id)
            user = own.users.get(key.user_name) if key is not None and key.user_name else None
            if user is not None and any(held is key for held in user.access_keys):
                return {"user_name": key.user_name, "last_used": key.last_used}
        return search(backend, access_key_id)  # not a user's key in any table: moto's answer, or its error

    return get_access_key_last_used
