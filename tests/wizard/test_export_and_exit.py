"""Where the report goes and what the terminal keeps after quitting; no AWS, no screen."""

from __future__ import annotations

from pathlib import Path

from wizard.app import WizardApp
from wizard.connection import Identity
from wizard.contained_home import ContainedHome
from wizard.paths import state_dir
from wizard.screens.export import chosen_folder


def app_for(account_id: str, folder: Path) -> WizardApp:
    app = WizardApp(lambda: None, steps=[], report_dir=folder)  # never run: only its notes are read
    app.identity = Identity(account_id=account_id)
    return app


def test_quitting_leaves_one_line_naming_the_journal_and_the_last_report(tmp_path):
    app = app_for("123456789012", tmp_path)
    note = app.exit_note()
    assert "\n" not in note and str(state_dir() / "journal.jsonl") in note
    assert "none exported" in note
    earlier = tmp_path / "aws-essentials-report-123456789012.html"  # a report kept from an earlier run
    earlier.write_text("<html>")
    assert note != app.exit_note() and app.exit_note().endswith(f"last report: {earlier}")
    app.last_report = tmp_path / "elsewhere" / "aws-essentials-report-123456789012.html"
    assert app.exit_note().endswith(f"last report: {app.last_report}")
    assert app.reports_folder() == tmp_path / "elsewhere"  # the next export offers the last folder


def test_the_demo_says_which_report_it_kept_outside_its_removed_home(tmp_path):
    home = ContainedHome()
    home.path = tmp_path / "demo-home"
    assert home.removed_note().endswith("nothing was written outside it.")
    kept = tmp_path / "aws-essentials-report-1.html"
    assert home.removed_note(kept).endswith(f"the report you exported is kept: {kept}")


def test_the_folder_typed_for_export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert chosen_folder("  ~/reports ") == tmp_path / "me" / "reports"
    assert chosen_folder("out") == tmp_path / "out"
    (tmp_path / "file").write_text("")
    assert chosen_folder("file") == f"{tmp_path / 'file'} is a file, not a folder: type a folder"
    assert chosen_folder(" ").startswith("Type a folder")
