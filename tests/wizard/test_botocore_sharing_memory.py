"""What wizard/botocore_sharing.py builds from a session's model files goes with that session.

A boto3 session made without the wizard's shared loader (the sandbox's seeding makes one per
account on every reset) loads its own copy of each service's JSON; when the shared parts were kept
per document for good, every such session added its service models to the process for good.
"""

from __future__ import annotations

import gc
import weakref

import botocore.session

from wizard import botocore_sharing


def _client_of_fresh_session():
    """An STS client from a botocore session with its own model loader (no request is sent)."""
    session = botocore.session.Session()
    return session.create_client("sts", region_name="us-east-1", aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
                                 aws_secret_access_key="secret" * 6)


def test_a_sessions_service_model_and_endpoint_rules_are_freed_with_it():
    botocore_sharing.share_client_parts()
    _client_of_fresh_session()  # the shared client class may keep the first model it was built from
    client = _client_of_fresh_session()
    model = weakref.ref(client.meta.service_model)
    rules = weakref.ref(client._ruleset_resolver._provider)
    loader = weakref.ref(client._loader)
    del client
    gc.collect()  # frees the session, its loader and so what was built from the loader's files
    gc.collect()  # ... of which the service model is a cycle of its own (its operation model cache)
    assert (loader(), model(), rules()) == (None, None, None)


def test_clients_of_one_session_still_share_model_and_endpoint_rules():
    botocore_sharing.share_client_parts()
    session = botocore.session.Session()
    first, second = (session.create_client("sts", region_name=region, aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
                                           aws_secret_access_key="secret" * 6)
                     for region in ("us-east-1", "eu-west-1"))
    assert first.meta.service_model is second.meta.service_model
    assert first._ruleset_resolver._provider is second._ruleset_resolver._provider
