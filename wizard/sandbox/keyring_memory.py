"""The in-memory keyring, where the sandbox's tests look for it (it lives in ``wizard.keyring_memory``
so that the demo can use it without importing the sandbox and moto)."""

from wizard.keyring_memory import MemoryKeyring

__all__ = ["MemoryKeyring"]
