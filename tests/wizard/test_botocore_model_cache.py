"""wizard/botocore_model_cache.py: a trimmed model is read back from disk only when it is exactly the
one the next process would trim, and only from a file nobody else could have written.

Each test uses fresh botocore loaders (no request is sent) and a cache folder of its own.
"""

from __future__ import annotations

import json
import os

import pytest
from botocore.loaders import create_loader

from wizard import botocore_model_cache as model_cache
from wizard.botocore_models import keep_called_operations


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AWS_ESSENTIALS_CACHE_DIR", raising=False)  # the suite's shared one (tests/conftest.py)
    monkeypatch.delenv(model_cache.OFF_SWITCH, raising=False)
    return tmp_path / "cache"


def _trimming_loader() -> tuple[object, list[str]]:
    """A fresh loader that trims, and the list of whole service models it decodes."""
    loader = create_loader()
    whole: list[str] = []
    load = loader.load_service_model

    def counting(service_name, type_name, api_version=None):
        if type_name == "service-2":
            whole.append(service_name)
        return load(service_name, type_name, api_version=api_version)

    loader.load_service_model = counting
    keep_called_operations(loader)
    return loader, whole


def _files() -> list:
    return sorted(model_cache.folder().glob("*.json")) if model_cache.folder().exists() else []


def test_the_next_process_reads_the_trimmed_model_instead_of_the_whole_one():
    first, whole = _trimming_loader()
    trimmed = first.load_service_model("sts", "service-2")
    assert whole == ["sts"] and len(_files()) == 1
    assert oct(_files()[0].stat().st_mode & 0o777) == "0o600"
    assert oct(model_cache.folder().stat().st_mode & 0o777) == "0o700"
    second, whole = _trimming_loader()
    kept = second.load_service_model("sts", "service-2")
    assert whole == []  # no whole model decoded
    assert kept == trimmed and list(kept["shapes"]) == list(trimmed["shapes"])
    assert type(kept["shapes"]) is type(trimmed["shapes"])  # a left-out shape still comes from the whole model
    assert kept["shapes"]["AssumeRoleRequest"] == trimmed["shapes"]["AssumeRoleRequest"]


def test_a_file_someone_else_could_write_or_made_from_other_inputs_is_not_read():
    _trimming_loader()[0].load_service_model("sts", "service-2")
    [path] = _files()
    os.chmod(path, 0o620)  # group-writable: not trusted
    loader, whole = _trimming_loader()
    loader.load_service_model("sts", "service-2")
    assert whole == ["sts"]
    os.chmod(path, 0o600)
    kept = json.loads(path.read_text())
    kept["made_from"] = kept["made_from"].replace("sts", "sts ", 1)  # says it was made from something else
    path.write_text(json.dumps(kept))
    loader, whole = _trimming_loader()
    loader.load_service_model("sts", "service-2")
    assert whole == ["sts"]
    made_from = json.loads(kept["made_from"].replace("sts ", "sts", 1))
    made_from[4][0][2] += 1  # the model file was changed since (another modification time)
    assert model_cache.read("sts", made_from[3], json.dumps(made_from)) is None
    model_cache.write("sts", made_from[3], json.dumps(made_from), {"shapes": {}})
    assert len(_files()) == 1 and _files()[0] != path  # the file made from the old inputs is gone


def test_the_switch_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv(model_cache.OFF_SWITCH, "off")
    for _ in range(2):
        loader, whole = _trimming_loader()
        loader.load_service_model("sts", "service-2")
        assert whole == ["sts"]
    assert _files() == []


def _listing_loader(extra: str) -> object:
    loader = create_loader()
    loader.search_paths.append(extra)
    assert model_cache.keep_service_listing(loader)
    return loader


def test_the_next_process_lists_botocore_services_without_scanning_its_data_folder(tmp_path, monkeypatch):
    import botocore.exceptions
    from botocore.loaders import Loader

    extra = tmp_path / "models"  # a folder of the user's own (~/.aws/models, AWS_DATA_PATH): still listed each time
    (extra / "myservice" / "2020-01-01").mkdir(parents=True)
    (extra / "myservice" / "2020-01-01" / "paginators-1.json").write_text('{"pagination": {}}')
    plain = create_loader()
    plain.search_paths.append(str(extra))
    expected = plain.list_available_services("paginators-1")
    assert "myservice" in expected and "ec2" in expected

    assert _listing_loader(str(extra)).list_available_services("paginators-1") == expected  # lists and keeps it
    listed: list[str] = []
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or listdir(path))
    second = _listing_loader(str(extra))
    assert second.list_available_services("paginators-1") == expected
    assert not [path for path in listed if path.startswith(Loader.BUILTIN_DATA_PATH)]
    assert str(extra) in listed
    assert second.load_service_model("myservice", "paginators-1") == {"pagination": {}}
    # An unknown service is the same error, with the same list of known ones.
    errors = []
    for loader in (plain, second):
        with pytest.raises(botocore.exceptions.UnknownServiceError) as raised:
            loader.load_service_model("nosuchservice", "paginators-1")
        errors.append(str(raised.value))
    assert errors[0] == errors[1] and "myservice" in errors[0]


def test_a_listing_made_for_another_botocore_is_not_used(monkeypatch):
    import botocore

    _listing_loader(os.devnull).list_available_services("waiters-2")
    monkeypatch.setattr(botocore, "__version__", "0.0.1")
    made = []
    monkeypatch.setattr(model_cache, "write", lambda *args: made.append(args[:2]))
    assert _listing_loader(os.devnull).list_available_services("waiters-2") == create_loader().list_available_services(
        "waiters-2")
    assert made == [("_services", "waiters-2")]  # listed again by botocore, not read


def test_method_names_are_kept_for_the_next_process(monkeypatch):
    import botocore

    operations = ["GetBucketPolicy", "ListMFADevices", "AssumeRoleWithSAML", "DescribeVpcEndpoints"]
    cache = botocore._xform_cache
    for name in operations:
        cache.pop((name, "_"), None)
    expected = {name: botocore.xform_name(name) for name in operations}  # botocore's own answers
    model_cache.know_python_names("madeup", "2020-01-01", operations)  # a first process keeps them
    assert [path.name.startswith("_names-madeup-2020-01-01-") for path in _files()] == [True]

    for name in operations:  # the next process: botocore's cache is empty, its answers come from the file
        cache.pop((name, "_"), None)
    asked = []
    xform_name = botocore.xform_name
    monkeypatch.setattr(botocore, "xform_name", lambda name, *args: asked.append(name) or xform_name(name, *args))
    model_cache.know_python_names("madeup", "2020-01-01", operations)
    assert {name: cache[(name, "_")] for name in operations} == expected
    assert set(asked) <= {"DescribeVpcs"}  # the guard's probe only
    model_cache.know_python_names("madeup", "2020-01-01", operations + ["PutBucketPolicy"])  # other operations
    assert "PutBucketPolicy" in asked
