"""The step's declared inputs as a form, validated as the user types (steps.base.Input.check)."""

from __future__ import annotations

from typing import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Select

from steps.base import Input as StepInput
from wizard.safe_text import clean
from wizard.widgets.wrap import breakable


class InputsForm(Vertical):
    """One row per input: label, field, and a line that shows the help or what is wrong."""

    BINDINGS = [Binding("enter", "next_field", "Next field", show=False, priority=True)]

    class Changed(Message):
        def __init__(self, name: str, value: str) -> None:
            super().__init__()
            self.name = name
            self.value = value

    def __init__(self, inputs: Sequence[StepInput], answers: Mapping[str, str], **kw) -> None:
        super().__init__(**kw)
        self.inputs = tuple(inputs)
        self.answers = dict(answers)
        self.touched: set[str] = {name for name, value in answers.items() if value}

    def compose(self) -> ComposeResult:
        for item in self.inputs:
            value = self.answers.get(item.name, "")
            with Horizontal(classes="form-row"):
                yield Label(item.prompt, classes="form-label")
                if item.choices:
                    yield Select([(c, c) for c in item.choices], value=value if value in item.choices else Select.BLANK,
                                 id=f"input-{item.name}", compact=True, allow_blank=not item.required)
                else:
                    yield Input(value=value, password=item.secret, id=f"input-{item.name}", compact=True)
            yield Label(self._message(item, value), id=f"hint-{item.name}", classes="form-hint")

    def _message(self, item: StepInput, value: str) -> Content:
        """The hint, or what is wrong; plain Content, since the error quotes what was typed."""
        if item.name in self.touched:
            error = item.check(value)
            if error:
                return breakable(clean("✘ " + error))
        return breakable(clean(item.help))

    def _update(self, name: str, value: str) -> None:
        item = next(i for i in self.inputs if i.name == name)
        self.answers[name] = value
        self.touched.add(name)
        hint = self.query_one(f"#hint-{name}", Label)
        hint.update(self._message(item, value))
        hint.set_class(bool(item.check(value)), "-invalid")
        self.post_message(self.Changed(name, value))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._update(str(event.input.id)[len("input-"):], event.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # Enter in a text field; a Select opens its list on Enter
            return isinstance(self.screen.focused, Input)
        return True

    async def action_next_field(self) -> None:
        """Enter goes to the next field; from the last one it leaves the form (the letter keys work again).
        A priority binding, and the focus set at once: keys typed right after Enter go to the next field
        (as Tab's do, wizard.screens.base), not into this one."""
        fields = list(self.query("Input, Select"))
        later = fields[fields.index(self.screen.focused) + 1:]
        if later:
            self.screen.set_focus(later[0])
        else:
            await self.screen.run_action("leave_field")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = "" if event.value is Select.BLANK else str(event.value)
        self._update(str(event.select.id)[len("input-"):], value)

    def show_errors(self) -> str | None:
        """Mark every field and return the id of the first invalid one."""
        first = None
        for item in self.inputs:
            self.touched.add(item.name)
            value = self.answers.get(item.name, "")
            hint = self.query_one(f"#hint-{item.name}", Label)
            hint.update(self._message(item, value))
            invalid = bool(item.check(value))
            hint.set_class(invalid, "-invalid")
            if invalid and first is None:
                first = f"input-{item.name}"
        return first
