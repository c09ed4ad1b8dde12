"""wizard/sandbox/moto_tuning.py: each shortcut answers as the moto code it stands in for (moto 5.2.5).

Each patch keeps moto's own function (``moto_*`` attribute) so that these tests compare the two on
the same state: if moto changes what its function answers, the comparison fails.
"""

from __future__ import annotations

import pytest

from wizard.sandbox import moto_tuning

from .util import client


@pytest.fixture(scope="module", autouse=True)
def _installed():
    moto_tuning.install()


def test_tags_by_id_answer_as_motos_filter_does():
    """An EC2 resource's tags are looked up by its id; an id with a wildcard still takes moto's filter."""
    from moto.ec2.models.tags import TagBackend

    tags = TagBackend()
    tags.create_tags(["sg-0123456789abcdef0", "i-0aaaabbbbccccdddd"], {"Name": "web", "team": "a"})
    tags.create_tags(["sg-0123456789abcdef0"], {"env": "prod"})
    tags.create_tags(["vpc-0f0f0f0f", "sg-0123456789abcdef1"], {"Name": "other"})
    tags.create_tags(["sg-emptied"], {"gone": "x"})
    tags.delete_tag_keys(["sg-emptied"], ["gone"])
    moto_describe = TagBackend.describe_tags.moto_describe_tags
    assert TagBackend.describe_tags is not moto_describe
    ids = ["sg-0123456789abcdef0", "i-0aaaabbbbccccdddd", "vpc-0f0f0f0f", "sg-0123456789abcdef1", "sg-emptied",
           "sg-untagged", "sg-0123456789abcdef*", "sg-0123456789abcdef?", "sg-[0-9]*", "not-an-ec2-id"]
    for resource_id in ids:
        filters = {"resource-id": [resource_id]}
        assert tags.describe_tags(filters) == moto_describe(tags, filters), resource_id
    assert tags.describe_tags({"resource-id": ["sg-0123456789abcdef0"]})[2] == {
        "resource_id": "sg-0123456789abcdef0", "key": "env", "value": "prod", "resource_type": "security-group"}
    for other in (None, {"key": ["Name"]}, {"resource-id": ids[:2]}, {"resource-id": [ids[0]], "key": ["env"]}):
        assert tags.describe_tags(other) == moto_describe(tags, other)
    assert "sg-untagged" not in tags.tags  # a lookup does not grow moto's defaultdict


def test_backend_for_host_kept_answers_as_moto_matches(capsys):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    moto_find = DomainDispatcherApplication.get_backend_for_host.moto_get_backend_for_host
    hosts = ["iam.us-east-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "ec2.ap-south-1.amazonaws.com",
             "sts.us-east-1.amazonaws.com", "organizations.us-east-1.amazonaws.com", "s3control", "moto_api",
             "iam", None, "nothing-here.us-east-1.amazonaws.com"]
    for _ in range(2):  # the second time from what was kept
        assert [dispatcher.get_backend_for_host(h) for h in hosts] == [moto_find(dispatcher, h) for h in hosts]
    said = capsys.readouterr().out
    # a host moto has no backend for is not kept: moto says so every time, as it did
    assert said.count("Unable to find appropriate backend for nothing-here") == 4


def test_account_of_an_access_key_follows_keys_and_resets(account):
    """The kept answers of get_account_id_from change when a key is made or deleted, and after a
    restore (new backends), as moto's search would."""
    import moto.iam.models as iam_models

    lookup = iam_models.get_account_id_from
    search = lookup.moto_get_account_id_from
    sb = account("org")
    sb.dirty = True  # moto's backends are edited here, not through requests: the next test restores
    member = iam_models.iam_backends[sb.member_account_ids[0]]["global"]
    key = member.create_temp_access_key().physical_resource_id  # what AssumeRole makes
    assert lookup("testing") == search("testing") == sb.account_id  # the demo's key: no account's, the default
    assert lookup(key) == search(key) == member.account_id
    assert lookup(key) == member.account_id  # kept
    member.delete_access_key_by_name(key)
    assert lookup(key) == search(key) == sb.account_id
    again = member.create_temp_access_key().physical_resource_id
    assert lookup(again) == member.account_id
    sb.reset("org", force=True)  # the snapshot's backends: the key made since is gone
    assert lookup(again) == search(again) == sb.account_id


def test_names_kept_are_the_names_moto_lists(account, monkeypatch):
    """The serializer's attribute names for a member, kept per (class, member, shape), are moto's,
    the first time and from what was kept, across EC2, IAM and S3 answers."""
    from moto.core import serialize

    kept = serialize.XFormedAttributePicker.get_possible_keys
    moto_names = kept.moto_get_possible_keys
    checked, differ = [], []

    def both(picker, context):
        ours = tuple(kept(picker, context))
        if ours != tuple(moto_names(picker, context)):
            differ.append((context.key, type(context.obj).__name__))
        checked.append(context.key)
        return ours

    monkeypatch.setattr(serialize.XFormedAttributePicker, "get_possible_keys", both)
    # moto's own get_value, which asks the names for every member (moto_serialize's asks once per plan)
    get_value = serialize.ResponseSerializer.get_value
    monkeypatch.setattr(serialize.ResponseSerializer, "get_value", getattr(get_value, "moto_get_value", get_value))
    sb = account("insecure")
    ec2, iam, s3 = client(sb, "ec2"), client(sb, "iam"), client(sb, "s3")
    for _ in range(2):
        ec2.describe_security_groups()
        ec2.describe_instances()
        ec2.describe_vpcs()
        iam.list_users()
        iam.list_roles()
        s3.list_buckets()
    assert differ == [] and len(checked) > 200


def test_random_strings_are_drawn_as_moto_draws_them():
    """Same seed, same strings, and the generator left in the same state (moto's later ids too)."""
    from moto.moto_api._internal.moto_random import MotoRandom

    ours, theirs = MotoRandom(), MotoRandom()
    moto_draw = MotoRandom.get_random_string.moto_get_random_string
    for seed in (0, 20240101):
        ours.seed(seed)
        theirs.seed(seed)
        for args in ((52,), (20,), (8, False), (12, True, True), (1,), (0,)):
            assert ours.get_random_string(*args) == moto_draw(theirs, *args)
        assert ours.get_random_string(length=5, lower_case=True) == moto_draw(theirs, length=5, lower_case=True)
        assert ours.getrandbits(64) == theirs.getrandbits(64)


def test_xml_names_that_passed_pass_and_bad_ones_are_refused_every_time():
    import xmltodict

    kept = xmltodict._validate_name
    check = kept.xmltodict_validate_name
    for _ in range(2):  # the second time a good name is found among those that passed
        for name in ("DescribeSecurityGroupsResponse", "item", "groupId", "x:y", "ünïcode"):
            assert kept(name, "element") is None and check(name, "element") is None
        for bad in ("?pi", "!x", "a<b", "a/b", 'a"b', "a=b", "a b", "tab\tname", 7):
            with pytest.raises(ValueError) as ours:
                kept(bad, "element")
            with pytest.raises(ValueError) as theirs:
                check(bad, "element")
            assert str(ours.value) == str(theirs.value)
    assert xmltodict.unparse({"a": {"b": "1"}}, full_document=False) == "<a><b>1</b></a>"


def test_service_name_of_a_package_kept_is_motos():
    import moto.core.utils as moto_utils

    kept = moto_utils.service_name_from_moto_package_name
    moto_lookup = kept.moto_service_name_from_moto_package_name
    names = ("ec2", "iam", "s3", "ssoadmin", "resourcegroupstaggingapi", "accessanalyzer", "not_a_service")
    expected = [moto_lookup(name) for name in names]
    assert expected[3] == "sso-admin"  # moto drops the hyphen; the lookup puts it back
    for _ in range(2):  # the second time from what was kept
        assert [kept(name) for name in names] == expected


def test_default_subnets_are_the_blocks_moto_picks(monkeypatch):
    """A new EC2 region's default subnets: the same zones and CIDR blocks as moto's own function
    makes, and the same errors for a zone that has one and a VPC with no room left."""
    from moto.ec2.exceptions import DefaultSubnetAlreadyExistsInAvailabilityZoneError
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.subnets import SubnetBackend

    from wizard.sandbox.moto_tuning import _blocks_of_20

    def made(backend):
        return sorted((s.availability_zone, s.cidr_block) for s in backend.get_default_subnets().values())

    ours = EC2Backend("eu-west-1", "111111111111")
    monkeypatch.setattr(SubnetBackend, "create_default_subnet", SubnetBackend.create_default_subnet.moto_create_default_subnet)
    theirs = EC2Backend("eu-west-1", "111111111111")
    monkeypatch.undo()
    assert made(ours) == made(theirs) and len(made(ours)) == 3
    assert made(ours)[1] == ("eu-west-1b", "172.31.16.0/20")
    with pytest.raises(DefaultSubnetAlreadyExistsInAvailabilityZoneError):
        ours.create_default_subnet("eu-west-1a")
    import ipaddress

    for cidr in ("172.31.0.0/16", "10.0.0.0/18", "10.1.0.0/20"):
        assert list(_blocks_of_20(cidr)) == [str(b) for b in ipaddress.ip_network(cidr).subnets(new_prefix=20)]
    with pytest.raises(ValueError):
        _blocks_of_20("10.0.0.0/24")  # no /20 in a /24: moto's ipaddress error, every time


def test_account_backends_found_without_the_lock_are_motos():
    """An account already in a BackendDict in use is returned as moto returns it; a new account, or
    a dictionary not yet among those in use, still takes moto's path (made, then put in use)."""
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.sts.models import STSBackend

    moto_getitem = BackendDict.__getitem__.moto_getitem
    assert BackendDict.__getitem__ is not moto_getitem
    ours = BackendDict(STSBackend, "sts")
    try:
        first = ours["111111111111"]  # missing: moto's path makes it and puts the dictionary in use
        assert any(bd is ours for bd in BackendDict._instances)
        assert ours["111111111111"] is first is moto_getitem(ours, "111111111111")
        with backend_lock:
            BackendDict._instances.remove(ours)  # as after a reset that left the entry: moto re-registers it
        assert ours["111111111111"] is first and any(bd is ours for bd in BackendDict._instances)
        assert ours["222222222222"] is not first and set(ours) == {"111111111111", "222222222222"}
    finally:
        with backend_lock:
            BackendDict._instances[:] = [bd for bd in BackendDict._instances if bd is not ours]


def test_paginated_listings_read_signatures_as_moto_did():
    import inspect

    import moto.utilities.paginator as paginator

    assert paginator.inspect is not inspect and paginator.inspect.moto_inspect is inspect

    def listing(self, name, next_token=None, *rest, limit: int = 5, **more):
        return []

    for _ in range(2):  # the second time from what was kept
        assert paginator.inspect.getfullargspec(listing) == inspect.getfullargspec(listing)
    with pytest.raises(TypeError):  # not a function: inspect's error, every time
        paginator.inspect.getfullargspec(3)


def test_classes_whose_alias_answers_are_the_class_s():
    """Dicts and exceptions (C's generic attribute lookup) get kept names; a class with slots (a slot
    named ``Meta`` is the object's own) or a dynamic lookup does not."""
    class Plain:
        pass

    class Slotted:
        __slots__ = ("Meta",)

    class Dynamic:
        def __getattr__(self, name):
            return name

    class Error(Exception):
        pass

    class Mapping(dict):
        pass

    decides = moto_tuning.class_decides
    assert all(decides(kind) for kind in (Plain, dict, Mapping, Error, KeyError))
    assert not any(decides(kind) for kind in (Slotted, Dynamic, list, type("Sub", (Slotted,), {})))
