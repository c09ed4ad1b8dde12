"""The embedded AWS account: moto's server in-process with a gap layer, faults and scenarios.

Sandbox only: nothing here talks to a real AWS endpoint.
"""

import os

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # must precede moto's ec2 import

from .server import SCENARIOS, Sandbox  # noqa: E402

__all__ = ["Sandbox", "SCENARIOS"]
