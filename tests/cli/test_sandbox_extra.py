"""A plain install carries no mock AWS: moto and waitress come only with the `sandbox` extra, nothing
outside wizard/sandbox/ needs them, and `demo`/`sandbox` without them say in one line how to get them."""

from __future__ import annotations

import importlib.metadata
import pkgutil
import subprocess
import sys

import pytest

import steps
import wizard

SANDBOX_ONLY = ("moto", "waitress")

# Run in a fresh interpreter: the extra's modules cannot be imported (as when it is not installed),
# then the given code runs.
BLOCK = "import sys\nfor name in ('moto', 'waitress'):\n    sys.modules[name] = None\n"


def _without_extra(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, timeout=60)


def test_moto_and_waitress_are_required_only_by_the_sandbox_extra():
    requires = importlib.metadata.requires("aws-essentials") or []
    by_name: dict[str, list[str]] = {}
    for requirement in requires:
        name = requirement.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower()
        by_name.setdefault(name, []).append(requirement)
    for name in SANDBOX_ONLY:
        assert by_name.get(name), f"{name} is not declared at all"
        for requirement in by_name[name]:
            marker = requirement.partition(";")[2].replace("'", '"').strip()
            assert marker == 'extra == "sandbox"', f"{requirement!r} is installed without the sandbox extra"


@pytest.mark.parametrize("command", ["demo", "sandbox"])
def test_demo_and_sandbox_without_the_extra_say_how_to_get_it(command):
    done = _without_extra(f"from wizard.__main__ import main\nsys.exit(main([{command!r}]))")
    assert done.returncode == 1, done.stderr  # an error of the installation, not bad usage
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"aws-essentials: error: `{command}` needs the sandbox extra")
    assert "pip install 'aws-essentials[sandbox]'" in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_nothing_outside_the_sandbox_imports_the_extra():
    """Every module of wizard/ and steps/ but wizard.sandbox imports without moto and waitress."""
    names = [m.name for package in (wizard, steps)
             for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
             if not m.name.startswith("wizard.sandbox")]
    assert "wizard.commands.demo" in names and "steps.vpc" in names
    done = _without_extra(f"import importlib\nfor name in {names!r}:\n    importlib.import_module(name)\n"
                          "from wizard.__main__ import main\nsys.exit(main(['permissions', '--steps', 'contacts']))")
    assert done.returncode == 0, done.stderr
    assert '"Statement"' in done.stdout
