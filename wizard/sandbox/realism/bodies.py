"""Editing an answer's JSON body, for the ``after`` rules that change what AWS would say."""

from __future__ import annotations

import json
from typing import Any, Callable


def edit_json(response: Any, edit: Callable[[dict], None]) -> Any:
    """``response`` with ``edit`` applied to its JSON body in place; an error answer is left as it is."""
    if response is None or response.status != 200:
        return response
    data = json.loads(response.body or b"{}")
    edit(data)
    response.body = json.dumps(data).encode()
    return response
