"""moto 5.2.5's response serializer: each member's value picked by a plan kept per (class, member, shape).

For every member of every answer, moto's ``ResponseSerializer.get_value`` builds an
``AttributePickerContext`` (joining the serializer's path into a string), and its
``XFormedAttributePicker`` lists the attribute names that may hold the member (six alias
providers; moto_tuning keeps that list per class for most classes, but not for dicts or
exceptions, whose ``__getattribute__`` is not ``object``'s), looks each name up through
``moto.core.utils.get_value`` (a ``hasattr(obj, "__getitem__")`` per name), then joins the path
again and asks every response transformer of the service whether the path ends with it (EC2's
and IAM's ~19 each). In the large account's re-run that was a quarter of the sandbox's CPU
(py-spy, GIL samples, eleventh session): 28,727 members for its 1,093-request replay, 547,122
``str.endswith`` calls.

``get_value`` here does the same for the picker moto makes (``XFormedAttributePicker`` with the
default alias providers), from a plan kept per (object's class, member key, member shape, the
shape's parent): the names moto's picker lists (asked of the picker itself the first time) and how
to look them up (an exact ``dict``: ``dict.get``; an object without ``__getitem__``: ``getattr``;
anything else, or a name with a dot: moto's ``get_value``). The names are still tried in moto's
order on every object, so objects whose attributes differ between instances get moto's value.
Plans are made only for classes whose alias providers' answers depend on the class alone (see
``class_decides``): no ``__getattr__``, the generic ``__getattribute__``, no ``__slots__``, and
per object no ``Meta``, ``__class__`` or ``__getitem__`` of its own. The transformer that applies to
a member's path is kept per path while the service's transformer table has the same keys in the
same order (moto adds keys to it at run time: EC2's VPC peering, ``_include_in_response``), looked
at once as each answer starts (``serialize``; moto looks at every member, which differs only if
another thread adds a key mid-answer, where moto's own loop can fail); the transform itself is read
from the table each time. Anything else is moto's ``get_value``.

And every answer's request id (``_request_id_put``): moto searched the whole body for a
``<RequestId>`` to put it in, also where there is none.

tests/sandbox/test_moto_serialize.py compares both on the same objects; ``benchmarks/sandbox_ab.py``
compares every answer of a recorded check byte for byte.
"""

from __future__ import annotations

from typing import Any, Callable

from wizard.sandbox.moto_tuning import MOTO_VERSION, class_decides

_PLANS_KEPT = 100_000  # (class, member, shape, parent): the service models' members, a few thousand
_PATHS_KEPT = 50_000  # member paths per transformer table: the models' paths, a few thousand
_ABSENT = object()  # a shape moto has not given a parent yet; an answer's state not looked at yet
_STATE = "_sandbox_answer"  # the serializer's attribute for what holds for the whole answer (answer_state)
# how a plan's names are looked up
_DICT, _ATTR, _MOTO = 0, 1, 2

_installed = False


def install() -> None:
    """Put the planned ``get_value`` in place on moto's version it was written for (idempotent)."""
    global _installed
    import moto

    if _installed or moto.__version__ != MOTO_VERSION:
        return
    from moto.core import serialize

    serializer = serialize.ResponseSerializer
    serializer.get_value, serializer.serialize = _planned(serializer.get_value, serializer.serialize, serialize)
    import moto.core.responses as responses

    responses.BaseResponse._enrich_response = staticmethod(_request_id_put(responses.BaseResponse._enrich_response,
                                                                           responses))
    _installed = True


def _planned(moto_get_value: Callable[..., Any], moto_serialize: Callable[..., Any], serialize_module: Any) -> tuple:
    """moto's ``get_value`` planned, and its ``serialize`` starting each answer's state afresh."""
    from moto.core.utils import MISSING
    from moto.core.utils import get_value as lookup  # what moto's AttributePicker.__call__ looks each name up with

    picker_class = serialize_module.XFormedAttributePicker
    defaults = serialize_module.DEFAULT_ALIAS_PROVIDERS
    context_class = serialize_module.AttributePickerContext
    plain: dict[type, bool] = {}
    plans: dict[tuple, tuple] = {}
    matches: dict[int, tuple] = {}  # id(transformer table) -> (table, its keys, {path: matching key or None})

    def plan(serializer: Any, value: Any, key: str, shape: Any, parent: Any) -> tuple:
        context = context_class(obj=value, key=key, shape=shape, operation_model=serializer.operation_model,
                                service_model=serializer.operation_model.service_model,
                                key_path=".".join(serializer.path))
        names = tuple(serializer._value_picker.get_possible_keys(context))
        if any(type(name) is not str or "." in name for name in names):
            how = _MOTO
        elif type(value) is dict:
            how = _DICT
        elif not hasattr(value, "__getitem__"):
            how = _ATTR
        else:
            how = _MOTO
        entry = (shape, parent, names, how)  # shape and parent held: their ids stay theirs
        if len(plans) < _PLANS_KEPT:
            plans[(type(value), key, id(shape), id(parent))] = entry
        return entry

    def answer_state(serializer: Any) -> Any:
        """What holds for the whole answer: None when moto's picking must run; else (transformer table,
        its matches kept per path), both None when the service has no transformers."""
        picker = serializer._value_picker
        state = None
        if type(picker) is picker_class and picker.alias_providers is defaults:
            transformers = picker.response_transformers
            if not transformers:
                state = (None, None)
            else:
                keys = tuple(transformers)  # the table's keys in order as the answer starts
                kept = matches.get(id(transformers))
                if kept is None or kept[0] is not transformers or kept[1] != keys:
                    kept = matches[id(transformers)] = (transformers, keys, {})
                state = (transformers, kept)
        serializer.__dict__[_STATE] = state
        return state

    def get_value(serializer: Any, value: Any, key: str, shape: Any) -> Any:
        state = serializer.__dict__.get(_STATE, _ABSENT)
        if state is _ABSENT:
            state = answer_state(serializer)
        kind = type(value)
        if state is None:
            return moto_get_value(serializer, value, key, shape)
        decides = plain.get(kind)
        if decides is None:
            decides = plain[kind] = class_decides(kind)
        own = getattr(value, "__dict__", None) if kind is not dict else None
        if not decides or (own is not None and ("Meta" in own or "__class__" in own or "__getitem__" in own)):
            return moto_get_value(serializer, value, key, shape)
        parent = getattr(shape, "parent", _ABSENT)
        entry = plans.get((kind, key, id(shape), id(parent)))
        if entry is None or entry[0] is not shape or entry[1] is not parent:
            entry = plan(serializer, value, key, shape, parent)
        names, how = entry[2], entry[3]
        found = MISSING
        if how == _DICT:
            for name in names:
                found = value.get(name, MISSING)
                if found is not MISSING:
                    break
        elif how == _ATTR:
            for name in names:
                found = getattr(value, name, MISSING)
                if found is not MISSING:
                    break
        else:
            for name in names:
                found = lookup(value, name, MISSING)
                if found is not MISSING:
                    break
        if found is MISSING:
            found = None
        transformers, kept = state
        if transformers is not None:
            path = f"{'.'.join(serializer.path)}.{key}"
            match = kept[2].get(path, MISSING)
            if match is MISSING:  # moto's first transformer whose path this member's path ends with
                match = next((suffix for suffix in kept[1] if path.endswith(suffix)), None)
                if len(kept[2]) < _PATHS_KEPT:
                    kept[2][path] = match
            if match is not None:
                found = transformers[match](found)
        return found

    def serialize(serializer: Any, result: Any) -> Any:
        serializer.__dict__.pop(_STATE, None)  # a serializer asked for another answer looks again
        return moto_serialize(serializer, result)

    get_value.moto_get_value = moto_get_value  # type: ignore[attr-defined]  # for the tests and sandbox_ab
    serialize.moto_serialize = moto_serialize  # type: ignore[attr-defined]
    return get_value, serialize


def _request_id_put(enrich: Callable[[dict, Any], tuple], responses: Any) -> Callable[[dict, Any], tuple]:
    """moto's ``BaseResponse._enrich_response`` without its search of a body that has no ``<RequestId>``.

    moto draws the answer's request id into the headers, then puts it between ``<RequestId>`` and
    ``</RequestId>`` with ``re.sub`` over the whole body (a lookbehind tried at every position: a
    megabyte for 2,000 security groups, whose EC2 answer spells it ``requestId``) and ignores any
    failure (a bytes body). Where the body has no ``<RequestId>`` (or is bytes) nothing can match, so
    the body is moto's as it came; the id is drawn as moto draws it."""

    def _enrich_response(headers: dict, body: Any) -> tuple:
        if type(body) is not bytes and (type(body) is not str or "<RequestId>" in body):
            return enrich(headers, body)
        if "status" in headers:
            headers["status"] = str(headers["status"])
        responses.gen_amzn_requestid_long(headers)
        return headers, body

    _enrich_response.moto_enrich_response = enrich  # type: ignore[attr-defined]
    return _enrich_response
