"""A worker process runs the code of the process that started it (wizard/worker_process.py)."""

from __future__ import annotations

import subprocess

from wizard import worker_process


def test_a_worker_imports_its_starters_tree_before_site_packages_and_never_over_the_stdlib(tmp_path, monkeypatch):
    """Another checkout of the package (here a stand-in ``wizard`` in ``tmp_path``) wins over the copy that
    site-packages names (this checkout's editable install: the old tree of a benchmark ran it in its
    workers), yet a ``math.py`` there does not shadow the standard library's."""
    package = tmp_path / "wizard"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe.py").write_text(
        "import math, wizard\n"
        "def _worker_main():\n"
        "    print(wizard.__file__, math.__name__, getattr(math, 'planted', False))\n"
        "    return 0\n")
    (tmp_path / "math.py").write_text("planted = True\n")
    monkeypatch.setattr(worker_process, "CODE_ROOT", str(tmp_path))
    done = subprocess.run(worker_process.worker_command("wizard.probe"), cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == [str(package / "__init__.py"), "math", "False"], done.stderr
