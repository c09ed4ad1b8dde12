"""The forms of the AWS names a person types (options, customer profiles), checked before any use.

Here, below both the commands and the profile store, so that neither imports the other for them.
"""

from __future__ import annotations

import re

from steps.validators import ROLE_ARN_PATTERN  # noqa: F401  (one role-ARN check for steps and commands)

PROFILE_PATTERN = re.compile(r"^[A-Za-z0-9_.+=,@/-]{1,64}$")  # an AWS CLI profile name
