"""A prompt whose event loop raises ends with that error, at once: prompt_toolkit's own handler
would print it and wait for ENTER on stdin, and on a stdin at end of file do so for ever, its
output growing without bound (wizard/prompts.py)."""

from __future__ import annotations

import io
import threading

from prompt_toolkit.application.current import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from steps.base import Input
from wizard.plain import PlainWizard


def test_an_error_inside_a_plain_prompt_ends_it_instead_of_waiting_for_enter_for_ever():
    def broken(value):  # a validator's bug raises inside prompt_toolkit's event loop
        raise RuntimeError("validator bug")

    item = Input(name="name", label="Contact name", validate=broken)
    outcome = {}
    with create_pipe_input() as answers, create_pipe_input() as stdin:
        stdin.close()  # the process's own stdin is at end of file (as in a test worker)

        def walk():
            with create_app_session(input=stdin, output=DummyOutput()):
                wizard = PlainWizard(aws=None, steps=[], out=io.StringIO(),
                                     on_prompt=lambda message: answers.send_text("Sec Team\r"),
                                     prompt_kwargs={"input": answers, "output": DummyOutput()})
                try:
                    outcome["answer"] = wizard.ask_input(item, "")
                except Exception as error:  # what ended the prompt is the result
                    outcome["error"] = error

        thread = threading.Thread(target=walk, daemon=True)
        thread.start()
        thread.join(timeout=20)  # the old code never returns; this returns at once
        assert not thread.is_alive(), "the prompt hung after an error in its event loop"
    assert repr(outcome.get("error")) == "RuntimeError('validator bug')"
