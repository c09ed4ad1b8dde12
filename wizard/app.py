"""The Textual wizard: a welcome screen, one generic screen per step, a confirmation, apply, summary.

The app holds the run's state (who we are, every step's first and latest assessment, the
answers typed so far, what was applied or skipped); the screens render it. Every AWS call
(connecting, collecting, planning against fresh state, applying) runs in a thread worker, so the
UI never waits on the network; botocore and moto are imported only inside those workers, which
keeps the first screen fast.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Sequence

from textual import work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.reactive import reactive

from steps.base import Plan, Status, StepError
from steps.executor import ChangeResult
from wizard import idle_gc
from wizard.connection import Connection, Identity, describe_auth
from wizard.wizard_run import Connected, StepAssessed, WorkFailed


def step_status(findings: Sequence[Any]) -> str:
    """One status for a step: FAIL beats UNKNOWN beats MANUAL beats PASS."""
    seen = {f.status for f in findings}
    for status in (Status.FAIL, Status.UNKNOWN, Status.MANUAL):
        if status in seen:
            return status.value
    return "PASS" if seen else "PENDING"


def _palette() -> Any:
    from wizard.widgets.palette import WizardCommands

    return WizardCommands


class WizardApp(App):
    """The wizard. ``connect`` runs in a worker and returns a :class:`Connection`."""

    CSS_PATH = "wizard.tcss"
    TITLE = "AWS security essentials"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-normal"), (160, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    COMMANDS = App.COMMANDS | {lambda: _palette()}

    version: reactive[int] = reactive(0)  # bumped on every change of the run's state

    def __init__(self, connect: Callable[[], Connection], *, steps: Sequence[ModuleType] | None = None,
                 report_dir: Path | None = None, assess_in_worker: bool = False) -> None:
        super().__init__()
        if steps is None:
            from steps import STEPS

            steps = STEPS
        self.steps: tuple[ModuleType, ...] = tuple(steps)
        self._connect = connect
        self.report_dir = report_dir  # where Export offers to write (default: wizard.paths.reports_dir)
        self.last_report: Path | None = None  # the HTML report exported last in this run
        self.connection: Connection | None = None
        self.identity: Identity | None = None
        self.connect_error: StepError | None = None
        self.first: dict[str, Any] = {}  # step id -> first StepResult ("before")
        self.results: dict[str, Any] = {}  # step id -> latest StepResult
        self.running: set[str] = set()
        self.answers: dict[str, dict[str, str]] = {}
        self.skipped: set[str] = set()
        self.applied: dict[str, list[ChangeResult]] = {}
        self.assessed = 0  # steps finished in the first assessment
        self.generation = 0  # bumped by each switch of account; workers' messages of an older one are dropped
        self.changes = 0  # bumped whenever the wizard changes the account (apply, simulate)
        self.seen: dict[str, int] = {}  # step id -> `changes` when its shown state was read
        self.position = -1  # -1 welcome, 0..n-1 a step, n the summary: the screen shown or being mounted
        self.wanted = -1  # where the person asked to go (ahead of `position` while switches run)
        self._switching = False
        self.home: Connection | None = None  # the management account's connection, once switched away
        self.home_accounts: list[tuple[str, str]] = []
        self._in_worker = assess_in_worker  # the commands' worker process (wizard/assess_worker.py); tests: threads
        self._assessor: Any = None  # made with the connection, not before the first screen

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Textual's toast, with text that breaks after a ``/`` or ``:`` (a report's path, an ARN)
        instead of mid-name: the toast shows a Content message as given."""
        from wizard.widgets.wrap import toast_content

        super().notify(toast_content(message, title, severity, markup), severity=severity,  # type: ignore[arg-type]
                       timeout=timeout, markup=True)

    # --- screens ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        from wizard.screens.welcome import WelcomeScreen

        self.push_screen(WelcomeScreen())
        # Connecting imports botocore (and, for the demo, moto): start it once the first screen is
        # drawn, so those imports do not hold the interpreter while it paints.
        self.call_after_refresh(self.connect_and_assess, self.generation, self._connect)

    def go_to(self, position: int) -> None:
        """Show the welcome screen (-1), a step (0..n-1) or the summary (n).

        Switches run one at a time, and a key pressed during one only moves the target: holding `n`
        mounts the screen it ends on, not every screen on the way, and no screen is removed while it
        is still being mounted (Textual's header and our sidebar then failed, and the app with them)."""
        position = max(-1, min(position, len(self.steps)))
        while len(self.screen_stack) > 2 and self.screen.is_modal:
            self.pop_screen()
        self.wanted = position
        if not self._switching and position != self.position:
            self._switching = True
            self.run_worker(self._switch_to_wanted(self._switch(position)), group="switch")

    def _switch(self, position: int) -> AwaitComplete:
        """Put the screen for ``position`` on top now; the returned awaitable completes once it is mounted."""
        from wizard.screens.step import StepScreen
        from wizard.screens.summary import SummaryScreen
        from wizard.screens.welcome import WelcomeScreen

        self.position = position
        if position < 0:
            return self.switch_screen(WelcomeScreen())
        if position >= len(self.steps):
            return self.switch_screen(SummaryScreen())
        return self.switch_screen(StepScreen(self.steps[position]))

    async def _switch_to_wanted(self, switching: AwaitComplete) -> None:
        try:
            await switching
            while (position := self.wanted) != self.position:
                await self._switch(position)
        finally:
            self._switching = False

    def go_to_step(self, step_id: str) -> None:
        for index, step in enumerate(self.steps):
            if step.INFO.id == step_id:
                self.go_to(index)
                return

    def action_next(self) -> None:
        self.go_to(self.wanted + 1)

    def action_back(self) -> None:
        self.go_to(self.wanted - 1)

    def action_summary(self) -> None:
        self.go_to(len(self.steps))

    def action_skip(self) -> None:
        if 0 <= self.position < len(self.steps):
            self.skipped.add(self.steps[self.position].INFO.id)
            self.touch()
        self.action_next()

    def action_recheck_all(self) -> None:
        self.recheck([s.INFO.id for s in self.steps])

    def action_export(self) -> None:
        """Ask where (the export dialog), then write; the dialog shows the full paths afterwards."""
        from wizard.screens.export import ExportScreen

        if type(self.screen).__name__ != "ExportScreen":
            self.push_screen(ExportScreen(self.reports_folder()))

    def action_help(self) -> None:
        """The keys of the screen the person is on (read from the bindings), the statuses, the files."""
        from wizard.screens.help import HelpScreen, binding_rows

        if type(self.screen).__name__ == "HelpScreen":
            return
        self.push_screen(HelpScreen(binding_rows(self.screen, self), self.file_locations()))

    def file_locations(self) -> list[tuple[str, Path]]:
        from wizard import lastrun
        from wizard.journal import Journal
        from wizard.paths import state_dir

        account = self.identity.account_id if self.identity else ""
        return [
            ("Change journal (history, undo)", Journal(account).path),
            ("Last run's findings", lastrun.store_path(account) if account else state_dir() / "lastrun"),
            ("Reports (Export)", self.reports_folder()),
            ("Crash log", state_dir() / "crash.log"),
        ]

    def review_current(self) -> None:
        """Review & apply the step on screen (the palette's Apply)."""
        from wizard.screens.step import StepScreen

        if isinstance(self.screen, StepScreen):
            self.screen.action_review()
        else:
            self.notify("Open a step first: Apply reviews the fixes of the step on screen.", severity="warning")

    def show_journal(self, undo: bool = False) -> None:
        """The journal's recent entries for this account; for undo, what `undo --last` would reverse
        and the command that does it (undo runs from the command line, where it asks first)."""
        from wizard.screens.journal import JournalScreen

        self.push_screen(JournalScreen(self.identity.account_id if self.identity else "", undo=undo))

    def touch(self) -> None:
        self.version += 1

    def show_error(self, title: str, message: str = "", hint: str = "") -> None:
        from wizard.screens.error import ErrorScreen

        self.push_screen(ErrorScreen(title, message, hint))

    # --- state helpers ------------------------------------------------------------------------

    @property
    def aws(self) -> Any:
        return self.connection.aws if self.connection else None

    def step_state(self, step_id: str) -> str:
        """RUNNING, PENDING, SKIPPED or the step's status from its latest findings."""
        if step_id in self.running:
            return "RUNNING"
        return self.known_state(step_id)

    def known_state(self, step_id: str) -> str:
        """PENDING, SKIPPED or the status of the step's latest findings, also while it is re-checked:
        counts keep the last known status until the new one is known, rather than flicker."""
        result = self.results.get(step_id)
        if result is None:
            return "PENDING"
        status = step_status(result.findings)
        if step_id in self.skipped and status != "PASS":
            return "SKIPPED"
        return status

    def plan_for(self, step_id: str) -> Plan | None:
        """The step's plan from its latest state and the answers typed so far (pure, no AWS)."""
        result = self.results.get(step_id)
        if result is None or result.state is None:
            return None
        return result.plan(self.answers_for(result.step))

    def answers_for(self, step: ModuleType) -> dict[str, str]:
        from wizard.answer_defaults import default_answers

        stored = self.answers.setdefault(step.INFO.id, {})
        for name, value in default_answers(step, self.results, self.answers).items():
            stored.setdefault(name, value)
        return stored

    # --- workers: AWS work never runs on the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, group="connect")
    def connect_and_assess(self, generation: int, connect: Callable[[], Connection]) -> None:
        if self._in_worker and self._assessor is None:
            from wizard.assess_worker import AssessWorker

            self._assessor = AssessWorker()
            self._assessor.start()  # its imports run while this connects
        try:
            connection = connect()
            identity = self._identify(connection)
        except StepError as error:
            self.post_message(WorkFailed("Could not reach the account", error, generation, connecting=True))
            return
        except Exception as error:  # noqa: BLE001 - shown, never a traceback
            failed = StepError(f"could not start: {error}", "check the credentials and the network")
            self.post_message(WorkFailed("Could not reach the account", failed, generation, connecting=True))
            return
        self.post_message(Connected(connection, identity, generation))
        # 0 changes: a fresh account's first read is older than anything the wizard does to it
        self._assess(connection.aws, [s.INFO.id for s in self.steps], generation, 0, first=True)

    def _identify(self, connection: Connection) -> Identity:
        aws = connection.aws
        caller = aws.identity()
        alias = ""
        answer = aws.try_read("iam", "ListAccountAliases")
        if isinstance(answer, dict) and answer.get("AccountAliases"):
            alias = answer["AccountAliases"][0]
        arn = caller.get("Arn", "")
        return Identity(account_id=caller.get("Account", ""), alias=alias, arn=arn, auth=describe_auth(aws, arn),
                        is_root=arn.endswith(":root"), regions=list(aws.regions()), label=connection.label,
                        org_accounts=self._org_accounts(aws))

    def _org_accounts(self, aws: Any) -> list[tuple[str, str]]:
        """The organization's accounts when this is its management account (the picker's choices)."""
        from wizard.org import list_members

        if self.home is not None:  # already switched: the choices stay those of the management account
            return self.home_accounts
        try:
            return [(m.id, m.name) for m in list_members(aws)]
        except StepError:
            return []  # a standalone or member account: nothing to pick

    def switch_account(self, account_id: str) -> None:
        """Run the wizard on another account of the organization (reached through its admin role).

        A new generation: whatever the workers of the account left behind still report (a thread
        cannot be stopped), and those reports are dropped."""
        if self.connection is None or self.identity is None or account_id == self.identity.account_id:
            return
        if self.home is None:
            self.home, self.home_accounts = self.connection, self.identity.org_accounts
        home = self.home
        target = home if account_id == home.aws.account_id else home.member(account_id)
        self.connection, self.identity, self.connect_error = None, None, None
        self.first, self.results, self.answers, self.applied, self.seen = {}, {}, {}, {}, {}
        self.skipped, self.running, self.assessed, self.changes = set(), set(), 0, 0
        self.generation += 1
        self.touch()
        self.connect_and_assess(self.generation, lambda: target)

    def on_connected(self, message: Connected) -> None:
        if message.generation != self.generation:
            return  # an account the person has left since
        self.connection = message.connection
        self.identity = message.identity
        self.running = {s.INFO.id for s in self.steps}
        self.touch()
        idle_gc.start(self)  # botocore is imported now: freeze it, and make full collections when idle

    def on_work_failed(self, message: WorkFailed) -> None:
        if message.generation != self.generation:
            return
        if message.connecting:
            self.connect_error = message.error
            self.touch()
        self.show_error(message.title, message.error.title, message.error.hint)

    def _assess(self, aws: Any, step_ids: Sequence[str], generation: int, changes: int, first: bool = False,
                fresh: bool = False) -> None:
        """Collect and evaluate steps, all at once (runs inside a thread worker); each result is posted.
        ``fresh``: read again, not from what was read before (a re-check)."""
        from wizard.assess_worker import assess_steps

        steps = [s for s in self.steps if s.INFO.id in step_ids]
        assess_steps(self._assessor, aws, steps,
                     lambda result: self.post_message(StepAssessed(result, generation, changes, first)), fresh)

    def on_step_assessed(self, message: StepAssessed) -> None:
        self.record_assessed(message)

    def record_assessed(self, message: StepAssessed) -> None:
        """A step's new state (from an assessment, a re-check, a simulation or after an apply)."""
        if message.generation != self.generation:
            return  # read from an account the person has left: not this account's findings
        result = message.result
        self.running.discard(result.id)
        if message.first:
            self.assessed += 1
        # A read that began before the one shown (a re-check overtaken by an apply's) is older news.
        if message.changes >= self.seen.get(result.id, -1):
            self.seen[result.id] = message.changes
            self.results[result.id] = result
            self.first.setdefault(result.id, result)
        self.touch()

    def record_apply(self, step_id: str, results: Sequence[ChangeResult]) -> None:
        """An apply finished sending (its re-check follows): other steps' states may be stale now."""
        if results:
            self.changes += 1
        self.applied.setdefault(step_id, []).extend(results)
        self.running.add(step_id)
        self.touch()

    def is_stale(self, step_id: str) -> bool:
        return step_id in self.results and self.seen.get(step_id, -1) < self.changes

    def recheck(self, step_ids: Sequence[str]) -> None:
        if self.connection is None:
            self.notify("Not connected yet.", severity="warning")
            return
        self.running |= set(step_ids)
        self.touch()
        self._recheck(self.connection.aws, list(step_ids), self.generation, self.changes)

    @work(thread=True, group="recheck")
    def _recheck(self, aws: Any, step_ids: list[str], generation: int, changes: int) -> None:
        self._assess(aws, step_ids, generation, changes, fresh=True)

    def simulate_console(self, action: str, step_id: str) -> None:
        """Sandbox only: ask the sandbox to do what a person would do in the console, then re-check."""
        connection, identity = self.connection, self.identity
        if connection is None or not connection.is_sandbox or identity is None:
            return
        self.running.add(step_id)
        self.changes += 1
        self.touch()
        self._simulate(connection, identity.account_id, action, step_id, self.generation, self.changes)

    @work(thread=True, group="simulate")
    def _simulate(self, connection: Connection, account_id: str, action: str, step_id: str, generation: int,
                  changes: int) -> None:
        try:
            connection.simulate_console(account_id, action)
        except StepError as error:
            self.post_message(WorkFailed("The sandbox did not simulate the action", error, generation))
        self._assess(connection.aws, [step_id], generation, changes, fresh=True)

    # --- report -------------------------------------------------------------------------------

    def report_document(self) -> dict[str, Any]:
        from wizard.report import findings_document

        identity = self.identity or Identity()
        results = [self.results[s.INFO.id] for s in self.steps if s.INFO.id in self.results]
        return findings_document(identity.account_id, identity.regions, results, caller_arn=identity.arn)

    def reports_folder(self) -> Path:
        """Where Export offers to write: the folder of the last export, else the given or default one."""
        from wizard.paths import reports_dir

        if self.last_report is not None:
            return self.last_report.parent
        return self.report_dir or reports_dir()

    def export_report(self, folder: Path) -> Path | None:
        """Write the report as HTML (to hand over) and Markdown into ``folder``, mode 0600; return the
        HTML path (the Markdown is beside it), or None after saying what went wrong."""
        from wizard.report.files import write_reports

        if not self.results:
            self.notify("Nothing to export yet: the assessment has not finished.", severity="warning")
            return None
        identity = self.identity or Identity()
        results = [self.results[s.INFO.id] for s in self.steps if s.INFO.id in self.results]
        try:
            html, _markdown = write_reports(folder, identity.account_id, identity.regions, results,
                                            caller_arn=identity.arn)
        except OSError as error:
            self.show_error("Could not write the report", f"{folder}: {error.strerror or error}",
                            "choose a folder you can write to")
            return None
        except StepError as error:  # a damaged journal: the report needs its change history
            self.show_error("Could not write the report", error.title, error.hint)
            return None
        self.last_report = html
        # the path is data (a folder may be named "[b]"), never markup
        self.notify(f"Report written to {html} (and .md beside it)", title="Exported", markup=False)
        return html

    def since_last_check(self) -> str:
        """What changed since the last `aws-essentials check` of this account, in one paragraph."""
        from wizard import lastrun

        if not self.results or self.identity is None:
            return ""
        try:
            diff = lastrun.compare(lastrun.load(self.identity.account_id), self.report_document())
        except StepError as error:
            return f"{error.title}. {error.hint}"
        return diff.render().strip()

    # --- exit ---------------------------------------------------------------------------------

    def kept_report(self) -> Path | None:
        """The HTML report exported last: in this run, else an earlier one in the offered folder."""
        from wizard.report.files import report_stem

        if self.last_report is not None:
            return self.last_report
        if self.identity is None:
            return None
        earlier = report_stem(self.reports_folder(), self.identity.account_id).with_suffix(".html")
        return earlier if earlier.is_file() else None

    def exit_note(self) -> str:
        """The one line left on the terminal after quitting: where the journal and the last report are."""
        from wizard.journal import Journal

        journal = Journal(self.identity.account_id if self.identity else "").path
        report = self.kept_report()
        return (f"Journal of changes: {journal}; last report: "
                + (str(report) if report else "none exported (Export, e on the summary)"))

    def on_unmount(self) -> None:
        idle_gc.stop(self)
        if self._assessor is not None:
            self._assessor.stop()
        home = self.home or self.connection
        if home is None:
            return
        try:
            home.aws.close()
        finally:
            if home.sandbox is not None:
                home.sandbox.stop()
