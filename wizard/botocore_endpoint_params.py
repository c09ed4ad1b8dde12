"""An API call's endpoint ruleset parameters from a plan made once per operation.

Before every call botocore's ``EndpointRulesetResolver._get_provider_params`` asks, for each of the
ruleset's parameters (4 for EC2, 17 for S3), four sources in turn through cached lookups that
build a key each time (the operation's static context parameters, its dynamic ones from the call's
arguments, its operation context paths, the client's context parameters), then the builtins:
~7.5 us an EC2 call, ~24 us an S3 call. Which source can answer a parameter depends only on the
ruleset's parameters, the service model and the operation (all three shared by a service's
clients in every region); the plan keeps that per operation, and each call still reads the
call's arguments, the client's context values and the builtins its ``before-endpoint-resolution``
handlers customised, in botocore's order, and registers the same feature ids.

Installed by ``wizard.botocore_sharing.share_client_parts`` (off with
``AWS_ESSENTIALS_BOTOCORE_SHARING=off``); left out when botocore's resolver no longer resolves
parameters this way (its methods' names are checked), and a resolver with its own subclass,
or an unknown builtin name, goes to botocore.
"""

from __future__ import annotations

from typing import Any

# What _get_provider_params and _resolve_param_from_context call: the algorithm the plan follows.
_PROVIDER_NAMES = {"_get_customized_builtins", "_param_definitions", "_resolve_param_from_context",
                   "_resolve_param_as_builtin", "_register_endpoint_feature_ids"}
_CONTEXT_NAMES = {"_resolve_param_as_static_context_param", "_resolve_param_as_dynamic_context_param",
                  "_resolve_param_as_operation_context_param", "_resolve_param_as_client_context_param"}


def _share_endpoint_params() -> bool:
    """Resolve each call's endpoint parameters from a per-operation plan (module docstring)."""
    import jmespath
    from botocore import regions

    resolver_class = getattr(regions, "EndpointRulesetResolver", None)
    builtins_enum = getattr(regions, "EndpointResolverBuiltins", None)
    original = getattr(resolver_class, "_get_provider_params", None)
    from_context = getattr(resolver_class, "_resolve_param_from_context", None)
    if (original is None or from_context is None or builtins_enum is None
            or not _PROVIDER_NAMES <= set(original.__code__.co_names)
            or not _CONTEXT_NAMES <= set(from_context.__code__.co_names)
            or not all(hasattr(resolver_class, name) for name in (
                "_get_static_context_params", "_get_dynamic_context_params", "_get_client_context_params"))):
        return False
    known_builtins = set(builtins_enum.__members__.values())

    def plan(resolver: Any, operation_model: Any) -> tuple | None:
        """Per parameter: (name, static value, argument name, operation path, client variable, builtin)."""
        static = resolver._get_static_context_params(operation_model)
        dynamic = resolver._get_dynamic_context_params(operation_model)
        operation = operation_model.operation_context_parameters
        client = resolver._get_client_context_params()
        steps = []
        for name, definition in resolver._param_definitions.items():
            builtin = definition.builtin
            if builtin is not None and builtin not in known_builtins:
                return None  # botocore raises for it: let it
            steps.append((name, static.get(name), dynamic.get(name), operation[name]["path"] if name in operation
                          else None, client.get(name), builtin))
        return tuple(steps)

    def provider_params(resolver: Any, operation_model: Any, call_args: Any, request_context: Any) -> dict:
        if type(resolver) is not resolver_class or type(call_args) is not dict:
            return original(resolver, operation_model, call_args, request_context)
        # Kept on the operation model, which every regional client of a service shares (as it shares
        # the ruleset's parameters and the service model): a check calls most operations once per region.
        kept = operation_model.__dict__.get("_aws_essentials_endpoint_plan")
        definitions, service_model = resolver._param_definitions, resolver.__dict__.get("_service_model")
        if service_model is None:
            return original(resolver, operation_model, call_args, request_context)
        if kept is None or kept[0] is not definitions or kept[1] is not service_model:
            kept = operation_model._aws_essentials_endpoint_plan = (definitions, service_model,
                                                                    plan(resolver, operation_model))
        steps = kept[2]
        if steps is None:
            return original(resolver, operation_model, call_args, request_context)
        builtins = resolver._get_customized_builtins(operation_model, call_args, request_context)
        client_values = resolver._client_context
        params = {}
        for name, value, argument, path, variable, builtin in steps:
            if value is None and argument is not None:
                value = call_args.get(argument)
            if value is None and path is not None:
                value = jmespath.search(path, call_args)
            if value is None and variable is not None:
                value = client_values.get(variable)
            if value is None and builtin is not None:
                value = builtins.get(builtin)
                if callable(value):
                    value = value()
            if value is not None:
                params[name] = value
                resolver._register_endpoint_feature_ids(name, value)
        return params

    provider_params.__wrapped__ = original  # type: ignore[attr-defined]
    resolver_class._get_provider_params = provider_params
    return True
