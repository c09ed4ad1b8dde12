"""moto's handlers called without Flask around them (moto 5.2.5, Flask 3.1).

moto's server is one Flask app per service (``create_backend_app``), whose every route is a
``convert_to_flask_response`` around a moto handler. For each request Flask made a request
context and an application context, opened a (null) session, bound the URL map to the request's
environment and matched it, sent its signals, and popped both contexts afterwards: ~15% of the
sandbox's CPU serving `check --org` (py-spy, GIL samples, tenth session), for a handler that
reads nothing of it but the request object (whose limits and debug-mode behaviour Flask's
request reads from the application context: here from the app, see ``_request_class``).

``DirectDispatch`` does what that path does for a moto service's request, without either context:
the same dispatcher picks the service's Flask app, the app's URL map picks the route (kept per
method and path: which rule matches depends on nothing else here, see ``_view``), the app's own
request class (``_request_class``: the app's limits, its root URL kept) is built from the
environment, moto's handler is called as
``convert_to_flask_response.__call__`` calls it, and the answer is the same ``flask.Response``,
called with the same environment. Anything it was not written for goes through Flask as before:
another moto or Flask version, moto's own API and the instance metadata (their views use Flask's
globals), an app with hooks, error handlers or signal receivers, a method other than moto's, a
websocket upgrade, a path the URL map does not match plainly (not found, a redirect), and every
exception a handler raises (Flask's own handling runs, in a request context made for the same
request object). tests/sandbox/test_moto_direct.py compares both paths' answers byte for byte;
``benchmarks/sandbox_ab.py --direct`` does so for every request of a recorded check.
"""

from __future__ import annotations

import sys
from typing import Any

# convert_to_flask_response.__call__ and create_backend_app of moto_tuning's moto version
from wizard.sandbox.moto_tuning import MOTO_VERSION

FLASK_VERSION = ("3", "1")  # Flask.wsgi_app, full_dispatch_request and RequestContext of 3.1
_METHODS = frozenset(("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"))  # moto's routes' methods but OPTIONS
_FLASK_ONLY = frozenset(("moto_api", "instance_metadata"))  # their views render templates (Flask's globals)
_ROUTES_KEPT = 20_000  # (app, method, path) -> view: S3 keys make paths many; beyond this, matched each time


def wrap(dispatcher: Any) -> Any:
    """``dispatcher`` (moto's ``DomainDispatcherApplication``) with the direct path in front, or
    ``dispatcher`` itself on moto or Flask versions this was not written for."""
    if not _versions_match():
        return dispatcher
    return DirectDispatch(dispatcher)


def _versions_match() -> bool:
    from importlib.metadata import version

    import moto

    return moto.__version__ == MOTO_VERSION and tuple(version("flask").split(".")[:2]) == FLASK_VERSION


class DirectDispatch:
    """A WSGI app answering as ``dispatcher`` does, moto's handler called without Flask's contexts."""

    def __init__(self, dispatcher: Any) -> None:
        from botocore.exceptions import ClientError
        from flask import Response
        from moto.core.utils import convert_to_flask_response
        from moto.moto_api import recorder

        self.dispatcher = dispatcher
        self._views: dict[tuple[int, str, str], Any] = {}
        self._plain: dict[int, bool] = {}  # id(app) -> no hooks (the apps live as long as the dispatcher)
        self._requests: dict[int, type] = {}  # id(app) -> its request class, read outside an app context
        self._converter = convert_to_flask_response
        self._response = Response
        self._client_error = ClientError
        self._recorder = recorder
        self._signals = _flask_signals()
        # requests answered: by the direct path; by Flask's handling of a handler's exception; by Flask
        self.counts = {"direct": 0, "error": 0, "flask": 0}  # unlocked: a tally for tests and benchmarks

    def __getattr__(self, name: str) -> Any:  # the dispatcher's attributes (tests, tuning) stay reachable
        return getattr(self.dispatcher, name)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        app = self.dispatcher.get_application(environ)
        if (environ.get("REQUEST_METHOD") not in _METHODS or environ.get("HTTP_UPGRADE")
                or not self._is_plain(app)):
            self.counts["flask"] += 1
            return app(environ, start_response)
        request = self._requests[id(app)](environ)
        request.json_module = app.json  # as RequestContext sets it
        view = self._view(app, environ, request)
        if view is None:
            self.counts["flask"] += 1
            return app(environ, start_response)  # nothing read from the request yet: Flask starts afresh
        app._got_first_request = True  # as full_dispatch_request marks it
        try:
            return self._answer(app, view, environ, request, start_response)
        finally:
            request.close()  # as RequestContext.pop does

    def _answer(self, app: Any, view: Any, environ: dict, request: Any, start_response: Any) -> Any:
        """``convert_to_flask_response.__call__`` (moto 5.2.5) with ``request`` for Flask's global."""
        try:
            self._recorder._record_request(request)
            result = view.callback(request, request.raw_url, _headers_dict(request))
            self.counts["direct"] += 1
        except self._client_error as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        except Exception as exc:  # noqa: BLE001 - Flask's handling, exactly (an HTTPException is an answer)
            self.counts["error"] += 1
            return _flask_handles(app, environ, request, exc, start_response)
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = self._response(response=content, status=status, headers=headers)
        if request.method == "HEAD" and "content-length" in headers:
            response.headers["Content-Length"] = headers["content-length"]
        return response(environ, start_response)

    def _is_plain(self, app: Any) -> bool:
        """Whether Flask would do nothing around this app's views but what ``__call__`` does."""
        plain = self._plain.get(id(app))
        if plain is None:
            plain = getattr(app, "service", None) not in _FLASK_ONLY and _no_hooks(app)
            if plain:
                self._requests[id(app)] = _request_class(app)
            self._plain[id(app)] = plain
        # a receiver connected to one of Flask's request signals would miss this request: Flask's path
        return plain and not any(signal.receivers for signal in self._signals)

    def _view(self, app: Any, environ: dict, request: Any) -> Any:
        """The moto view Flask's URL map picks for this request, or None (Flask answers: no plain match).

        Rules here match on the path alone (no host matching, the subdomain forced to "" as
        ``Flask.create_url_adapter`` does without subdomain matching, every rule taking moto's
        methods), so a match is kept per (app, method, path); a miss is not kept."""
        key = (id(app), environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        view = self._views.get(key)
        if view is not None:
            return view
        try:
            adapter = app.create_url_adapter(request)
            rule, _args = adapter.match(return_rule=True)
        except Exception:  # noqa: BLE001 - not found, a redirect, a bad host: Flask's answer
            return None
        view = app.view_functions.get(rule.endpoint)
        if type(view) is not self._converter:
            return None
        if len(self._views) < _ROUTES_KEPT:
            self._views[key] = view
        return view


def _no_hooks(app: Any) -> bool:
    config = app.config
    return (app.debug and not app.subdomain_matching and not app.url_map.host_matching
            and config.get("TRUSTED_HOSTS") is None and config.get("SERVER_NAME") is None
            and not app.url_map.default_subdomain
            and not any(app.before_request_funcs.values()) and not any(app.after_request_funcs.values())
            and not any(app.teardown_request_funcs.values()) and not any(app.url_value_preprocessors.values())
            and app.session_interface.get_signing_serializer(app) is None)  # a null session: nothing saved


def _request_class(app: Any) -> type:
    """``app.request_class`` answering as Flask 3.1's request does in this app's context (moto's app:
    debug mode, Flask's default limits), with no application context pushed.

    Outside one, Flask's request reads werkzeug's limits and its non-debug JSON error; here the
    app's. One thing is left out: in debug mode Flask gives each form request's empty ``files`` a
    class of its own, made per request, whose missing key raises a longer message
    (``attach_enctype_error_multidict``); moto 5.2.5 reads ``files`` only to iterate it or, when it
    has entries, to index it (``BaseResponse.setup_class``), so no answer can show that class."""
    from werkzeug.sansio.utils import get_current_url, get_host
    from werkzeug.utils import cached_property
    from werkzeug.wrappers import Request as WerkzeugRequest

    config = app.config
    roots: dict[tuple, str] = {}

    class DirectRequest(app.request_class):  # type: ignore[name-defined, misc]
        _max_content_length = config["MAX_CONTENT_LENGTH"]
        _max_form_parts = config["MAX_FORM_PARTS"]
        _load_form_data = WerkzeugRequest._load_form_data
        on_json_loading_failed = WerkzeugRequest.on_json_loading_failed  # what a debug app's request raises

        @cached_property
        def root_url(self) -> str:
            """werkzeug's, kept per what it is made of (moto builds ``raw_url`` from it for every
            request: ~4% of the app's CPU; every request here has the same one)."""
            trusted = self.trusted_hosts
            key = (self.scheme, self.headers.get("host"), self.server, self.root_path,
                   None if trusted is None else tuple(trusted))
            root = roots.get(key)
            if root is None:
                root = get_current_url(self.scheme, get_host(*key[:3], trusted), self.root_path)
                if len(roots) < 64:
                    roots[key] = root
            return root

    DirectRequest.__name__ = DirectRequest.__qualname__ = app.request_class.__name__
    DirectRequest.__module__ = app.request_class.__module__
    return DirectRequest


_BODY_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")
_NOT_HEADERS = frozenset(("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"))


def _headers_dict(request: Any) -> dict:
    """``dict(request.headers)`` (moto's ``EnvironHeaders``) read off the environment in one pass.

    ``dict()`` lists the names (moto's ``__iter__`` looks each up among the preserved spellings) and
    then looks each up again; the pass below gives the same names, values and order when no name is
    preserved (this server never preserves one) and every key is as a WSGI server writes it (upper
    case ASCII, so a name maps back to its own key); otherwise it is ``dict(request.headers)``."""
    from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY

    environ = request.environ
    if environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY):
        return dict(request.headers)
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in _NOT_HEADERS:
            if not (key.isascii() and key.isupper()) or "-" in key:
                return dict(request.headers)
            headers[key[5:].replace("_", "-").title()] = value
        elif key in _BODY_KEYS and value:
            headers[key.replace("_", "-").title()] = value
    return headers


def _flask_signals() -> tuple:
    from flask import signals

    return signals.request_started, signals.request_finished, signals.request_tearing_down


def _flask_handles(app: Any, environ: dict, request: Any, exc: Exception, start_response: Any) -> Any:
    """Flask 3.1's ``wsgi_app`` from where the view raised ``exc``: ``handle_user_exception`` (an
    HTTPException becomes the answer; anything else is raised, debug mode propagating it), then
    ``finalize_request``, in a request context made for the same request object."""
    from flask.ctx import RequestContext

    ctx = RequestContext(app, environ, request=request)
    error: BaseException | None = None
    try:
        try:
            ctx.push()
            try:
                raise exc
            except Exception as e:
                rv = app.handle_user_exception(e)
            response = app.finalize_request(rv)
        except Exception as e:
            error = e
            response = app.handle_exception(e)
        except:  # noqa: E722 - as Flask: record it for the teardown, then raise
            error = sys.exc_info()[1]
            raise
        return response(environ, start_response)
    finally:
        if error is not None and app.should_ignore_error(error):
            error = None
        ctx.pop(error)
