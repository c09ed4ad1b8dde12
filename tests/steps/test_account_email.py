"""The contacts step's email input accepts exactly what the Account API's model accepts."""

from __future__ import annotations

import re

import botocore.session
from hypothesis import given, settings, strategies as st

from steps import contacts
from steps.account_email import MAX_LENGTH, MODEL_PATTERN

EMAIL_INPUT = next(i for i in contacts.INFO.inputs if i.name == "email")
SHAPE = botocore.session.get_session().get_service_model("account").shape_for("EmailAddress")
MODEL = re.compile(SHAPE.metadata["pattern"], re.ASCII)


def model_accepts(value: str) -> bool:
    return SHAPE.metadata["min"] <= len(value) <= SHAPE.metadata["max"] and MODEL.fullmatch(value) is not None


def test_the_pattern_is_the_models():
    assert MODEL_PATTERN == SHAPE.metadata["pattern"] and MAX_LENGTH == SHAPE.metadata["max"]


@settings(max_examples=100, deadline=None)
@given(st.from_regex(MODEL, fullmatch=True).filter(lambda v: len(v) <= MAX_LENGTH))
def test_every_address_the_model_accepts_is_accepted(value):
    assert EMAIL_INPUT.validate(value) is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40).map(lambda s: s + "@example.com")
       | st.text(max_size=30))
def test_the_validator_agrees_with_the_model_on_any_text(value):
    assert (EMAIL_INPUT.validate(value) is None) == model_accepts(value)


def test_addresses_the_old_validator_got_wrong():
    # AWS refuses these (ValidationException) although they are RFC-valid; the old check let them through
    for refused in ("o'brien@example.com", "a/b@example.com", "x{y}@example.com", "a~b@example.com"):
        assert EMAIL_INPUT.check(refused) is not None, refused
    # and AWS takes an underscore in the domain, which the old check refused
    assert EMAIL_INPUT.check("sec@mail_host.example.com") is None
