"""Where the state and config folders are: the overrides, Linux's XDG layout (the folders earlier
releases used), and macOS's Application Support (issue 20: platformdirs)."""

from __future__ import annotations

import platformdirs.macos
import platformdirs.unix
import pytest

from wizard import paths


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A HOME with no override and no XDG variable set: the platform's defaults apply."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    for name in ("AWS_ESSENTIALS_STATE_DIR", "AWS_ESSENTIALS_CONFIG_DIR", "AWS_ESSENTIALS_CACHE_DIR",
                 "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def linux(monkeypatch):
    monkeypatch.setattr(paths, "PlatformDirs", platformdirs.unix.Unix)


@pytest.fixture
def macos(monkeypatch):
    monkeypatch.setattr(paths, "PlatformDirs", platformdirs.macos.MacOS)


@pytest.mark.usefixtures("linux")
def test_on_linux_the_folders_are_where_earlier_releases_kept_them(home):
    assert paths.state_dir() == home / ".local" / "state" / "aws-essentials"
    assert paths.config_dir() == home / ".config" / "aws-essentials"
    assert paths.cache_dir() == home / ".cache" / "aws-essentials"


@pytest.mark.usefixtures("linux")
def test_on_linux_the_xdg_variables_are_followed(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xs"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xc"))
    assert paths.state_dir() == tmp_path / "xs" / "aws-essentials"
    assert paths.config_dir() == tmp_path / "xc" / "aws-essentials"


@pytest.mark.usefixtures("linux")
def test_state_already_at_the_old_linux_path_is_found(home):
    from wizard.journal import Journal

    old = home / ".local" / "state" / "aws-essentials"
    old.mkdir(parents=True)
    (old / "journal.jsonl").write_text("")  # what an earlier release left
    assert Journal("111122223333").path == old / "journal.jsonl"


@pytest.mark.usefixtures("macos")
def test_on_macos_the_folders_are_under_application_support(home):
    support = home / "Library" / "Application Support" / "aws-essentials"
    assert paths.state_dir() == support
    assert paths.config_dir() == support
    assert support.is_dir()


@pytest.mark.parametrize("platform", ["linux", "macos"])
def test_the_environment_overrides_win(platform, home, tmp_path, monkeypatch, request):
    request.getfixturevalue(platform)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xs"))
    monkeypatch.setenv("AWS_ESSENTIALS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_ESSENTIALS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xcache"))
    monkeypatch.setenv("AWS_ESSENTIALS_CACHE_DIR", str(tmp_path / "cache"))
    assert paths.state_dir() == tmp_path / "state"
    assert paths.config_dir() == tmp_path / "config"
    assert paths.cache_dir() == tmp_path / "cache"


def test_the_real_platform_class_is_the_default():
    # the tests above stand a platform's class in; unpatched, paths uses the one platformdirs chose
    assert paths.PlatformDirs is platformdirs.PlatformDirs


def test_reports_go_to_a_folder_in_the_documents_folder_else_the_current_one(home, monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs: ~/Documents
    monkeypatch.chdir(tmp_path)
    if not platformdirs.user_documents_dir().startswith(str(home)):
        pytest.skip("this platform's documents folder is not under HOME")
    assert paths.reports_dir() == tmp_path  # no documents folder: where the wizard was started
    (home / "Documents").mkdir()
    assert paths.reports_dir() == home / "Documents" / "aws-essentials-reports"
