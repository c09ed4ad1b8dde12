"""The welcome screen: who the wizard runs as, where, and what it will and will not do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Select, Static

from wizard.safe_text import clean
from wizard.widgets.render import escape
from wizard.widgets.wrap import breakable
from wizard.screens.base import WizardScreen

# The wizard's promises, shown first.
WILL = (
    "read the account's settings, step by step, in the guide's order",
    "explain each finding and show the exact API calls that would fix it",
    "change nothing until you confirm, journal every change, and say before you confirm which cannot be undone",
    "re-check every step after it is applied",
)
WILL_NOT = (
    "delete your data, or touch workloads beyond the settings it shows",
    "do what only a person may do (root MFA, console sign-in): it guides you and re-checks",
    "store secrets in files, or show them on screen",
)

LABEL = 10  # "Signed in " and the other labels of the identity panel, in cells

ROOT_WARNING = (
    "You are signed in as the root user. Root can do anything and cannot be limited, so use it only for the "
    "few tasks that need it. Create an administrator (IAM Identity Center, or an IAM user with MFA), sign in "
    "as that, and run the wizard again."
)


def picker_options(org_accounts: list[tuple[str, str]]) -> list[tuple[Content, str]]:
    """The account picker's choices. Content, not str: a Select parses a str prompt as markup, and an
    account's name is whatever its owner typed (``prod [/]`` killed the picker)."""
    return [(Content(clean(f"{name or 'account'} ({account})")), account) for account, name in org_accounts]


class WelcomeScreen(WizardScreen):
    AUTO_FOCUS = "#start"
    BINDINGS = [
        Binding("n", "app.next", "Start"),
        Binding("b", "app.back", "", show=False),  # nothing is before the first screen: not offered, nor in help
        Binding("r", "app.recheck_all", "Re-check all"),
        Binding("ctrl+s", "app.summary", "Summary", show=False),
    ]

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="welcome"):
            yield Static("Your AWS account, step by step", classes="screen-title")
            yield Static("", id="identity")
            with Vertical(id="org-picker"):
                yield Static("This is the organization's management account: pick another of its accounts to "
                             "run the wizard there (through its OrganizationAccountAccessRole).", classes="muted")
                yield Select([], id="account-picker", prompt="Organization account")
            yield Static("", id="root-warning")
            will = "\n".join(f"  [$text-success]✔[/] {escape(line)}" for line in WILL)
            wont = "\n".join(f"  [$text-error]✘[/] {escape(line)}" for line in WILL_NOT)
            # a wrapped promise goes on under its text, not under its mark
            yield Static(breakable(Content.from_markup(f"[b]The wizard will[/b]\n{will}\n[b]It will not[/b]\n{wont}"),
                                   hang=2), id="promises")
        with Horizontal(classes="actions"):
            yield Button("Start with the first step", id="start", variant="primary", compact=True, action="app.next")

    def on_mount(self) -> None:
        super().on_mount()
        self.wizard.position = -1
        self.refresh_state()
        self.query_one("#start", Button).focus()

    def refresh_state(self) -> None:
        run = self.wizard
        identity = run.identity
        panel = self.query_one("#identity", Static)
        warning = self.query_one("#root-warning", Static)
        if run.connect_error is not None:
            error = run.connect_error
            panel.update(Content.from_markup(f"[$text-error]✘ {escape(error.title)}[/]\n{escape(error.hint)}"))
            warning.display = False
            return
        picker = self.query_one("#account-picker", Select)
        self.query_one("#org-picker").display = bool(identity and identity.org_accounts)
        if identity is None:
            panel.update("Connecting to the account…")
            warning.display = False
            return
        if identity.org_accounts:
            options = picker_options(identity.org_accounts)
            with picker.prevent(Select.Changed):
                picker.set_options(options)
                picker.value = identity.account_id
        alias = identity.alias or "(no alias)"
        label = f"\n[$text-muted]Target[/]    [$text-warning]{escape(identity.label)}[/]" if identity.label else ""
        regions = ", ".join(identity.regions)
        panel.update(breakable(Content.from_markup(  # a role's ARN may be longer than the panel
            f"[$text-muted]Account[/]   [b]{escape(identity.account_id)}[/b]  {escape(alias)}{label}\n"
            f"[$text-muted]Caller[/]    {escape(identity.arn)}\n"
            f"[$text-muted]Signed in[/] with {escape(identity.auth)}\n"
            f"[$text-muted]Regions[/]   {len(identity.regions)} in scope: {escape(regions)}"
        ), hang=LABEL))  # a long value continues under itself, not under its label
        warning.update(Content.from_markup(f"[b]⚠ Root user[/b]\n{escape(ROOT_WARNING)}"))
        warning.display = identity.is_root

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "account-picker" and isinstance(event.value, str):
            self.wizard.switch_account(event.value)
