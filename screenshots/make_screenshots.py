"""Render every screen of the demo to SVG (``app.save_screenshot``) and, where headless Chromium is
installed, to PNG.

    .venv/bin/python screenshots/make_screenshots.py [--out screenshots] [--no-png]

It starts the sandbox with the ``insecure`` scenario, drives the wizard with Textual's Pilot the
way a person would (welcome, a failing step with its plan, the confirmation, applying, a failed
call, a manual step, the summary), and saves each screen. Nothing real is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (110, 36)


async def wait_for(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the wizard did not reach the expected state")
        await pilot.pause(0.05)
    await pilot.pause(0.2)


def svg_size(path: Path) -> tuple[int, int]:
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', path.read_text(encoding="utf-8")[:2000])
    return (int(float(match.group(1))) + 1, int(float(match.group(2))) + 1) if match else (1200, 800)


def to_png(svg: Path, chromium: str) -> Path:
    png = svg.with_suffix(".png")
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--screenshot={png}", f"--window-size={width},{height}", svg.resolve().as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
        )
    return png


async def walk(out: Path) -> list[Path]:
    from steps import STEPS
    from tests.helpers import DEMO_ANSWERS
    from wizard.app import WizardApp
    from wizard.commands.demo import connect_sandbox

    saved: list[Path] = []
    # the sandbox in this process: the walk sets its faults and latency (a child's cannot be)
    app = WizardApp(lambda: connect_sandbox("insecure", child=False), report_dir=Path(tempfile.mkdtemp()))

    def shoot(name: str) -> None:
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.identity is not None and app.assessed == len(app.steps))
        shoot("01-welcome")

        # a failing step, its inputs filled, the plan in view
        app.go_to_step("contacts")
        await pilot.pause(0.3)
        for name, value in DEMO_ANSWERS["contacts"].items():
            app.screen.query_one(f"#input-{name}").value = value
        await pilot.pause(0.3)
        shoot("02-step-failing")
        app.screen.query_one("#plan").scroll_visible(top=True, animate=False)
        await pilot.pause(0.3)
        shoot("03-step-plan")

        # the confirmation
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        shoot("04-confirm")

        # a failing call: the error modal, and the app keeps running
        sandbox = app.connection.sandbox
        sandbox.set_faults(rate=1.0, kinds=("denied",), operations=["PutAlternateContact"])
        await pilot.click("#apply")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorScreen")
        shoot("05-apply-error")
        sandbox.set_faults(rate=0.0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.done)
        await pilot.press("escape")
        await pilot.pause(0.3)

        # applying, caught half-way (the sandbox answers slowly for a moment)
        sandbox.set_latency(700)
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.click("#apply")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ApplyScreen"
                       and app.screen.query_one("#apply-total").progress >= 1, timeout=90)
        shoot("06-applying")
        sandbox.set_latency(0)
        await wait_for(pilot, lambda: app.screen.done, timeout=90)
        shoot("07-applied")
        await pilot.press("escape")
        await pilot.pause(0.3)
        shoot("08-step-passing")

        # a manual step: console path, link, re-check and the sandbox-only simulation
        manual = next((s.INFO.id for s in STEPS if app.plan_for(s.INFO.id) and app.plan_for(s.INFO.id).manual_changes
                       and not app.plan_for(s.INFO.id).automatic), None)
        if manual:
            app.go_to_step(manual)
            await pilot.pause(0.3)
            app.screen.query_one("#plan").scroll_visible(top=True, animate=False)
            await pilot.pause(0.3)
            shoot("09-manual-step")

        # the summary
        app.action_summary()
        await pilot.pause(0.5)
        shoot("10-summary")

        # small and large terminals, and the light theme
        app.go_to_step("contacts")
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.5)
        shoot("11-step-80x24")
        await pilot.resize_terminal(200, 60)
        app.go_to(-1)
        await pilot.pause(0.5)
        shoot("12-welcome-200x60")
        await pilot.resize_terminal(*SIZE)
        app.theme = "textual-light"
        app.action_summary()
        await pilot.pause(0.5)
        shoot("13-summary-light")
        app.theme = "textual-dark"
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"step")
        await pilot.pause(0.5)
        shoot("14-command-palette")
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--no-png", action="store_true")
    args = parser.parse_args()
    for name in list(os.environ):
        if name == "NO_COLOR" or name.startswith("TEXTUAL_"):
            del os.environ[name]
    os.environ.setdefault("AWS_ESSENTIALS_STATE_DIR", tempfile.mkdtemp(prefix="aws-essentials-shots-"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print("SVG:")
    saved = asyncio.run(walk(out))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if args.no_png or not chromium:
        print("PNG: skipped" + ("" if chromium else " (no headless Chromium found)"))
        return 0
    print("PNG:")
    for svg in saved:
        print(f"  {to_png(svg, chromium).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
