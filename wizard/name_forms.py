"""The forms of the AWS names a person types (options, customer profiles), checked before any use.

Here, below both the commands and the profile store, so that neither imports the other for them.
"""

from __future__ import annotations

import re

PROFILE_PATTERN = re.compile(r"^[A-Za-z0-9_.+=,@/-]{1,64}$")  # an AWS CLI profile name
ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
