"""The JSON reports' indented encoder gives json.dumps(indent=2)'s bytes for every value it accepts."""

from __future__ import annotations

import enum
import json
import math

import pytest

from tests.wizard.report_documents import organization
from wizard.report import render_json, render_ocsf
from wizard.report.json_text import dumps_indented


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


ODD = [
    {}, [], (), "", 0, -1, 2**70, 1.5, -0.0, 1e300, 1e-300, math.inf, -math.inf, True, False, None,
    {"nested": {"empty": {}, "list": [], "tuple": (1, (2, [])), "deep": [[[{"a": [None]}]]]}},
    {1: "int key", 2.5: "float key", None: "none key", "s": Level.HIGH}, {True: "true key", False: "false key"},
    {"hostile": "\x1b[31mred\x07\u202eevil\u0000\ud800 \"quoted\" \\ /", Name("sub"): Name("class")},
    ["\u00e9t\u00e9", "\U0001f600", "\t\n\r"],
]


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_values_encode_as_json_dumps_does(value):
    assert dumps_indented(value) == json.dumps(value, indent=2)


def test_nan_encodes_as_json_dumps_does():
    assert dumps_indented({"x": [math.nan]}) == json.dumps({"x": [math.nan]}, indent=2)


def test_an_organization_document_and_its_ocsf_are_json_dumps_bytes():
    document = organization(accounts=6, not_reached=1)
    assert render_json(document) == json.dumps(document, indent=2) + "\n"
    ocsf = render_ocsf(document)
    assert ocsf == json.dumps(json.loads(ocsf), indent=2) + "\n"


@pytest.mark.parametrize("value", [{"a": {1, 2}}, [object()], {("tuple", "key"): 1}], ids=["set", "object", "tuple key"])
def test_what_json_dumps_refuses_is_refused_with_its_type_error(value):
    with pytest.raises(TypeError) as ours:
        dumps_indented(value)
    with pytest.raises(TypeError) as theirs:
        json.dumps(value, indent=2)
    assert str(ours.value) == str(theirs.value)
