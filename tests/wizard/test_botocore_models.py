"""Trimmed service models (wizard/botocore_models.py): less memory, the same clients.

No request leaves the process. The list of operations is checked against the steps' IAM actions;
tests/integration/test_call_budget.py checks that a full check never falls back to a whole model.
"""

from __future__ import annotations

import pytest
from botocore.loaders import create_loader
from botocore.model import ServiceModel

from wizard import botocore_models
from wizard import aws_session
from wizard.aws_session import new_session


@pytest.fixture(scope="module")
def plain_loader():
    """A botocore loader of its own: the whole models."""
    return create_loader()


def test_the_wizards_loader_keeps_only_what_its_ec2_calls_reach(plain_loader, monkeypatch):
    """Before: the whole EC2 model (4,400 shapes, 9.5 MB decoded) stayed in the loader for the process."""
    # The process's loader as the first session makes it: an earlier test in this worker may have
    # asked for an operation outside the list, which loads the whole model into the shared one.
    monkeypatch.setattr(aws_session, "_LOADER", None)
    session = new_session(region_name="us-east-1")
    loader = session._session.get_component("data_loader")
    kept = loader.load_service_model("ec2", "service-2")
    whole = plain_loader.load_service_model("ec2", "service-2")
    assert len(kept["shapes"]) < len(whole["shapes"]) / 4
    assert list(kept["operations"]) == list(whole["operations"])  # a client has every method
    assert not [v for v in loader._cache.values()
                if (v[0] if isinstance(v, tuple) else v) is not kept and isinstance(v, dict) and "shapes" in v
                and v.get("metadata", {}).get("serviceId") == "EC2"]


def test_a_call_outside_the_list_loads_the_whole_model_and_resolves_as_botocore_does(plain_loader):
    whole = plain_loader.load_service_model("ec2", "service-2")
    loads = []

    def load_full():
        loads.append(1)
        return whole

    trimmed = botocore_models.trim(whole, botocore_models.OPERATIONS["ec2"], "ec2", load_full)
    model, reference = ServiceModel(trimmed, "ec2"), ServiceModel(whole, "ec2")
    # modelled errors are kept, so a client's exceptions are the same
    assert {s.name for s in model.error_shapes} == {s.name for s in reference.error_shapes}
    assert "DescribeHosts" not in botocore_models.OPERATIONS["ec2"] and not loads
    before = botocore_models.FALLBACKS["ec2"]
    hosts = model.operation_model("DescribeHosts")
    assert list(hosts.input_shape.members) == list(reference.operation_model("DescribeHosts").input_shape.members)
    assert len(loads) == 1 and botocore_models.FALLBACKS["ec2"] == before + 1
    groups = model.operation_model("DescribeSecurityGroups").output_shape
    assert groups.members["SecurityGroups"].member.members.keys() == (
        reference.operation_model("DescribeSecurityGroups").output_shape.members["SecurityGroups"].member.members.keys())


def test_trimming_keeps_what_an_operation_reaches_and_drops_the_rest():
    document = {
        "metadata": {"protocol": "json"}, "documentation": "long text",
        "operations": {
            "Kept": {"name": "Kept", "input": {"shape": "In"}, "errors": [{"shape": "Gone"}], "documentation": "d"},
            "Other": {"name": "Other", "input": {"shape": "OtherIn"}},
        },
        "shapes": {
            "In": {"type": "structure", "members": {"L": {"shape": "Names", "documentation": "d"}}},
            "Names": {"type": "list", "member": {"shape": "Name"}},
            "Name": {"type": "string"},
            "OtherIn": {"type": "structure", "members": {"M": {"shape": "Map"}}},
            "Map": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}},
            "Gone": {"type": "structure", "members": {}, "exception": True},
            "Unrelated": {"type": "structure", "members": {}, "exception": True, "error": {"code": "U"}},
        },
    }
    trimmed = botocore_models.trim(document, frozenset({"Kept"}), "test", lambda: document)
    assert set(trimmed["shapes"]) == {"In", "Names", "Name", "Gone", "Unrelated"}
    assert "documentation" not in trimmed and "documentation" not in trimmed["operations"]["Kept"]
    assert trimmed["shapes"]["In"]["members"]["L"] == {"shape": "Names"}
    assert trimmed["shapes"]["Map"] == document["shapes"]["Map"]  # fetched from the whole model when asked
    with pytest.raises(KeyError):
        trimmed["shapes"]["NoSuchShape"]


def test_every_operation_the_steps_may_call_is_in_the_list(plain_loader):
    """Derived from the fix-mode actions (every step's reads and writes, undo's reads, the plumbing)."""
    from steps import STEPS
    from wizard.aws_errors import IAM_PREFIX, iam_action
    from wizard.permissions import actions

    wanted = set(actions(STEPS, "fix"))
    prefixes = {action.split(":", 1)[0] for action in wanted}
    missing, matched = [], set()
    for service in plain_loader.list_available_services("service-2"):
        if IAM_PREFIX.get(service, service) not in prefixes:
            continue
        operations = plain_loader.load_service_model(service, "service-2")["operations"]
        for operation in operations:
            if iam_action(service, operation) in wanted:
                matched.add(iam_action(service, operation))
                if operation not in botocore_models.OPERATIONS.get(service, ()):
                    missing.append(f"{service} {operation}")
        assert botocore_models.OPERATIONS.get(service, frozenset()) <= set(operations), service
    assert not missing, "add to wizard/botocore_models.py OPERATIONS: " + ", ".join(missing)
    # actions with no operation of their own (checked by AWS alongside another call)
    assert wanted - matched == {"iam:PassRole", "logs:CreateLogDelivery"}


def test_sessions_share_one_loader_and_do_not_lengthen_its_search_path():
    """Before: each boto3 session appended boto3's data folder to the shared loader's search path again."""
    loader = new_session(region_name="us-east-1")._session.get_component("data_loader")
    paths = list(loader.search_paths)
    sessions = [new_session(region_name="eu-west-1") for _ in range(3)]
    assert all(s._session.get_component("data_loader") is loader for s in sessions)
    assert loader.search_paths == paths and len(set(paths)) == len(paths)
