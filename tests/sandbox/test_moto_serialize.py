"""wizard/sandbox/moto_serialize.py: the planned value picking answers as moto's serializer (moto 5.2.5).

Both serialize the same objects: objects of one class whose attributes differ between instances,
dicts, a dict subclass that makes missing keys, an object with a ``Meta`` of its own, a class
with slots, an exception, and a transformer table that gains a key between two answers.
"""

from __future__ import annotations

import collections
import datetime
import re

import pytest

_NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z?")  # a time of reading, to the microsecond

from wizard.sandbox import moto_serialize, moto_tuning


@pytest.fixture(scope="module", autouse=True)
def _installed():
    moto_tuning.install()
    moto_serialize.install()


def _answer(operation: str, result, transformers: dict, planned: bool) -> str:
    from moto.core import serialize
    from moto.core.utils import get_service_model

    get_value = serialize.ResponseSerializer.get_value
    moto_get_value = get_value.moto_get_value
    serialize.ResponseSerializer.get_value = get_value if planned else moto_get_value
    try:
        model = get_service_model("iam").operation_model(operation)
        picker = serialize.XFormedAttributePicker(response_transformers=transformers)
        return serialize.QuerySerializer(operation_model=model, value_picker=picker).serialize(result)["body"]
    finally:
        serialize.ResponseSerializer.get_value = get_value


class User:  # the class name is one of moto's aliases: "UserName" -> "Name" -> "name"
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


class SlottedUser:
    __slots__ = ("Meta", "user_name", "arn")


class Quirky(Exception):
    pass


def _users() -> list:
    when = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    explicit = User(user_name="shadowed", arn="arn:aws:iam::1:user/e", create_date=when, own="mine")
    explicit.Meta = type("Meta", (), {"serialization_aliases": {"UserName": "own"}})  # its own alias
    slotted = SlottedUser()
    slotted.user_name, slotted.arn = "slotted", "arn:aws:iam::1:user/s"
    slotted.Meta = type("Meta", (), {"serialization_aliases": {"Path": "arn"}})
    error = Quirky("not a user")
    error.name, error.path = "from-an-exception", "/x/"
    made: dict = collections.defaultdict(lambda: None)  # moto's lookup indexes it: it grows every name asked
    made.update({"UserName": "defaulted"})
    return [
        User(name="by-class-alias", path="/", arn="arn:aws:iam::1:user/a", user_id="AID1", create_date=when),
        User(UserName="by-model-name", user_name="not this one", arn="arn:aws:iam::1:user/b", create_date=when),
        User(user_name="by-xform", Path="/p/", create_date=when, tags=[{"Key": "k", "Value": "v"}]),
        {"UserName": "a-dict", "Arn": "arn:aws:iam::1:user/d", "CreateDate": when, "Tags": []},
        {"user_name": "a-dict-xformed", "path": "/d/", "Tags": [{"Key": "k", "Value": "<&>"}]},
        made, explicit, slotted, error,
        User(),
    ]


def test_planned_values_are_motos_for_every_kind_of_object():
    transformers: dict = {}
    for _ in range(2):  # the second time from the plans kept
        planned = _answer("ListUsers", {"Users": _users(), "IsTruncated": False}, transformers, True)
        assert planned == _answer("ListUsers", {"Users": _users(), "IsTruncated": False}, transformers, False)
    for name in ("by-class-alias", "by-model-name", "by-xform", "a-dict", "a-dict-xformed", "defaulted",
                 "mine", "slotted", "from-an-exception", "&lt;&amp;&gt;"):
        assert name in planned, name
    assert "not this one" not in planned and "shadowed" not in planned


def test_a_transformer_added_later_applies_as_in_moto():
    """moto's tables gain keys while the sandbox runs (EC2's VPC peering): a path kept without a
    transformer gets the one added for it, and the first one in the table's order wins."""
    result = {"Users": _users()[:4], "IsTruncated": False}
    transformers: dict = {"ListUsersResponse.Users.User.Arn": lambda value: None}
    first = _answer("ListUsers", result, transformers, True)
    assert first == _answer("ListUsers", result, transformers, False) and "<Arn>" not in first
    transformers["User.UserName"] = lambda value: f"renamed-{value}"
    transformers["UserName"] = lambda value: "never: an earlier key matches first"
    second = _answer("ListUsers", result, transformers, True)
    assert second == _answer("ListUsers", result, transformers, False)
    assert "renamed-by-class-alias" in second and "never" not in second
    del transformers["User.UserName"]
    transformers["User.UserName"] = lambda value: "after the re-added key: UserName matches first now"
    third = _answer("ListUsers", result, transformers, True)
    assert third == _answer("ListUsers", result, transformers, False) and "never" in third


def test_a_serializer_asked_again_sees_the_table_as_it_is_then():
    from moto.core import serialize
    from moto.core.utils import get_service_model

    transformers: dict = {}
    picker = serialize.XFormedAttributePicker(response_transformers=transformers)
    serializer = serialize.QuerySerializer(operation_model=get_service_model("iam").operation_model("ListUsers"),
                                           value_picker=picker)
    result = {"Users": _users()[:2], "IsTruncated": False}
    assert "by-class-alias" in serializer.serialize(result)["body"]
    transformers["UserName"] = lambda value: "hidden"
    assert "by-class-alias" not in serializer.serialize(result)["body"]


def test_planned_answers_over_http_are_motos(account, monkeypatch):
    """Real answers (EC2, IAM with its transformers, S3's dicts and errors) serialized both ways on the
    same objects are the same (values can be made anew on each read, so answers are compared, not
    values; RDS's LatestRestorableTime is the time of the read)."""
    from moto.core import serialize

    from .util import client

    planned = serialize.ResponseSerializer.get_value
    moto_serialize_answer = serialize.ResponseSerializer.serialize
    compared, differ, members = [], [], []

    def counted(serializer, value, key, shape):
        members.append(type(value))
        return planned(serializer, value, key, shape)

    def both(serializer, result):
        monkeypatch.setattr(serialize.ResponseSerializer, "get_value", planned.moto_get_value)
        theirs = moto_serialize_answer(serializer, result)
        monkeypatch.setattr(serialize.ResponseSerializer, "get_value", counted)
        ours = moto_serialize_answer(serializer, result)
        same = ours == theirs or _NOW.sub("", str(ours)) == _NOW.sub("", str(theirs))
        (compared if same else differ).append(serializer.operation_name)
        return theirs

    monkeypatch.setattr(serialize.ResponseSerializer, "serialize", both)
    sb = account("insecure")
    ec2, iam, s3 = client(sb, "ec2"), client(sb, "iam"), client(sb, "s3")
    user = iam.list_users()["Users"][0]["UserName"]
    buckets = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    errors = []
    for _ in range(2):
        ec2.describe_security_groups()
        ec2.describe_instances()
        ec2.describe_vpcs()
        iam.list_access_keys(UserName=user)
        iam.get_account_summary()
        iam.list_roles()
        s3.get_bucket_acl(Bucket=buckets[0])
        for bucket in buckets:
            try:
                s3.get_bucket_website(Bucket=bucket)
            except s3.exceptions.ClientError as error:
                errors.append(error.response["Error"]["Code"])
    assert differ == [] and len(compared) >= 20 and len(members) > 200 and dict in members
    assert "NoSuchWebsiteConfiguration" in errors and any(issubclass(kind, Exception) for kind in members)


def test_request_ids_are_put_as_moto_puts_them():
    """Bodies with and without a ``<RequestId>``, bytes, and moto's status header: the same answers,
    and the same ids drawn (moto's seeded generator is left as moto leaves it)."""
    from moto.core.responses import BaseResponse
    from moto.moto_api._internal import mock_random

    ours = BaseResponse._enrich_response
    theirs = ours.moto_enrich_response
    bodies = ["<ListUsersResponse><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ListUsersResponse>",
              "<DescribeVpcsResponse><requestId>r</requestId></DescribeVpcsResponse>", "", b"<RequestId>b</RequestId>",
              b"\x00bytes", "<Error><RequestId></RequestId></Error>", {"a": "dict"}]
    for headers in ({}, {"status": 404}, {"x-amzn-requestid": "given"}):
        for body in bodies:
            mock_random.seed(7)
            mine = ours(dict(headers), body)
            after_mine = mock_random.getrandbits(32)
            mock_random.seed(7)
            assert mine == theirs(dict(headers), body) and after_mine == mock_random.getrandbits(32), (headers, body)
