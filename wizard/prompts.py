"""Running a questionary prompt so that an error inside it ends the prompt.

prompt_toolkit's default, for any exception raised in its event loop while a prompt runs (a
validator's bug, a signal handler's exception such as pytest-timeout's), prints the traceback and
waits for ENTER on a second prompt that reads the process's own stdin, not the prompt's input. On a
stdin at end of file that prompt fails at once, which is itself an exception in the loop, so it
prints and waits again, for ever, its output growing without bound (a test worker reached 8.9 GB
that way). Here the first such exception ends the prompt and is raised to the caller instead.
"""

from __future__ import annotations

import asyncio
from typing import Any


def ask(question: Any) -> Any:
    """``question.unsafe_ask()`` (a ``questionary.Question``), but an exception in the prompt's event
    loop ends it and is raised here, instead of a traceback and "Press ENTER to continue..."."""
    if question.should_skip_question:
        return question.default
    app = question.application

    def end_on_error() -> None:
        # Application.run made a fresh loop for this prompt alone, so the handler goes with it.
        def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            error = context.get("exception") or RuntimeError(context.get("message", "error in the prompt"))
            if app.is_running and not app.future.done():
                app.exit(exception=error)
            else:
                loop.default_exception_handler(context)

        asyncio.get_running_loop().set_exception_handler(handler)

    return app.run(pre_run=end_on_error, set_exception_handler=False)
