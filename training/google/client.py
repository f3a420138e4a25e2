"""Google API services (Calendar v3, Meet v2, Drive v3) and request execution with retries.

Services are built from the discovery documents bundled with google-api-python-client
(``static_discovery=True``), so building a client never touches the network.  Pass ``http``
(e.g. ``googleapiclient.http.HttpMockSequence``) to replace the transport.

Retries: ``execute`` hands ``num_retries`` to googleapiclient, which retries 5xx, 429 and
403 ``rateLimitExceeded``/``userRateLimitExceeded`` with randomised exponential backoff.
The sleep between attempts goes through :func:`sleep` in this module so tests can patch it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httplib2
from google.auth.exceptions import GoogleAuthError, RefreshError
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from .credentials import build_credentials
from .secrets import redact_text

log = logging.getLogger(__name__)

DEFAULT_NUM_RETRIES = 5
HTTP_TIMEOUT_SECONDS = 60


def sleep(seconds: float) -> None:
    """Every backoff/poll wait of the Google layer; patched in tests."""
    time.sleep(seconds)


def _sleep_hook(seconds: float) -> None:
    sleep(seconds)  # late binding so monkeypatching ``client.sleep`` takes effect


@dataclass
class GoogleClient:
    """The three services for one organizer, plus the retry policy."""

    http: Any = None
    credentials: Any = field(default=None, repr=False)
    num_retries: int = DEFAULT_NUM_RETRIES
    _services: dict[str, Any] = field(default_factory=dict, repr=False)
    _authorized: Any = field(default=None, repr=False)

    @classmethod
    def from_info(cls, info: dict, subject: str | None = None, **kw) -> GoogleClient:
        """Client authenticated with stored credential JSON (no network until a call)."""
        return cls(credentials=build_credentials(info, subject), **kw)

    def _transport(self):
        """The authorised transport; ``http`` alone (no credentials) is used as it is."""
        if self._authorized is None:
            if self.credentials is None:
                if self.http is None:
                    raise RuntimeError("GoogleClient needs credentials or an http transport")
                self._authorized = self.http
            else:
                base = self.http or httplib2.Http(timeout=HTTP_TIMEOUT_SECONDS)
                self._authorized = AuthorizedHttp(self.credentials, http=base)
        return self._authorized

    def service(self, name: str, version: str):
        key = f"{name}:{version}"
        if key not in self._services:
            self._services[key] = build(
                name, version, http=self._transport(), static_discovery=True, cache_discovery=False
            )
        return self._services[key]

    @property
    def calendar(self):
        return self.service("calendar", "v3")

    @property
    def meet(self):
        return self.service("meet", "v2")

    @property
    def drive(self):
        return self.service("drive", "v3")

    def execute(self, request, *, if_match: str | None = None):
        """Run ``request`` with backoff retries; HttpError propagates after the last one."""
        request._sleep = _sleep_hook  # googleapiclient's documented test stub for backoff
        if if_match:
            request.headers["if-match"] = if_match
        return request.execute(num_retries=self.num_retries)


def error_status(exc: HttpError) -> int:
    return int(exc.resp.status)


def error_reason(exc: HttpError) -> str:
    """Google's machine reason (``rateLimitExceeded``, ``notFound``…) or the HTTP status."""
    try:
        data = json.loads(exc.content.decode("utf-8"))
        err = data.get("error", {})
        if isinstance(err, dict):
            errors = err.get("errors") or []
            if errors and errors[0].get("reason"):
                return str(errors[0]["reason"])
            for detail in err.get("details") or []:
                if isinstance(detail, dict) and detail.get("reason"):
                    return str(detail["reason"])
            if err.get("status"):
                return str(err["status"])
    except (ValueError, AttributeError, UnicodeDecodeError):
        pass
    return str(error_status(exc))


def reason_of(exc: Exception) -> str:
    """Google's machine reason for any failure of the Google layer."""
    if isinstance(exc, HttpError):
        return error_reason(exc)
    if isinstance(exc, RefreshError):  # token endpoint: invalid_grant, unauthorized_client…
        details = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(details, dict) and details.get("error"):
            return str(details["error"])[:100]
        return "auth_error"
    return type(exc).__name__[:100]


def describe_error(exc: Exception) -> str:
    """A short, secret-free sentence for logs and the admin page."""
    if isinstance(exc, HttpError):
        message = exc.reason or ""
        text = f"HTTP {error_status(exc)} {error_reason(exc)}: {message}".strip().rstrip(":")
    elif isinstance(exc, RefreshError):
        text = f"Google refused the credentials: {exc.args[0] if exc.args else ''}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact_text(text)[:500]


#: Failures of the Google layer that jobs record on the connection before re-raising.
GOOGLE_FAILURES = (
    HttpError,
    GoogleAuthError,
    httplib2.HttpLib2Error,
    TimeoutError,
    ConnectionError,
)
