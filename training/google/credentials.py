"""Turn stored credential JSON into google-auth credentials, without touching the network.

Two kinds are accepted, as Google hands them out:

* a service-account key (``"type": "service_account"``) used with domain-wide delegation:
  the calendar, Meet records and Drive files belong to the *organizer*, so the organizer's
  address is the subject the service account acts as;
* OAuth user credentials (``"type": "authorized_user"``: client id/secret + refresh token),
  e.g. from ``gcloud auth application-default login`` or an installed-app flow, for a domain
  where delegation is not available.

Tokens are fetched lazily by google-auth on the first API call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/meetings.space.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
)

SERVICE_ACCOUNT = "service_account"
AUTHORIZED_USER = "authorized_user"
KINDS = (SERVICE_ACCOUNT, AUTHORIZED_USER)

_REQUIRED = {
    SERVICE_ACCOUNT: ("client_email", "private_key", "token_uri"),
    AUTHORIZED_USER: ("client_id", "client_secret", "refresh_token"),
}


class CredentialsError(ValueError):
    """The credential JSON is unusable. The message never contains secret values."""


@dataclass(frozen=True)
class CredentialSummary:
    """What may be shown about credentials: their kind and public identifiers only."""

    kind: str
    account: str  # service-account e-mail or OAuth client id
    subject: str | None  # the organizer impersonated (service accounts)


def parse_credentials_json(text: str | bytes | dict) -> dict[str, Any]:
    """Parse and validate pasted/uploaded credential JSON; raise CredentialsError if unusable."""
    if isinstance(text, dict):
        info = dict(text)
    else:
        try:
            info = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise CredentialsError(_("The credentials are not valid JSON.")) from exc
    if not isinstance(info, dict):
        raise CredentialsError(_("The credentials must be a JSON object."))
    kind = info.get("type")
    if kind not in KINDS:
        raise CredentialsError(
            _(
                "Unsupported credentials type; expected a service-account key or OAuth user "
                "credentials (type service_account or authorized_user)."
            )
        )
    missing = [key for key in _REQUIRED[kind] if not info.get(key)]
    if missing:
        raise CredentialsError(_("The credentials lack: %(fields)s.", fields=", ".join(missing)))
    return info


def summarize(info: dict[str, Any], subject: str | None = None) -> CredentialSummary:
    kind = info.get("type", "")
    account = info.get("client_email") if kind == SERVICE_ACCOUNT else info.get("client_id")
    return CredentialSummary(
        kind=kind, account=account or "", subject=subject if kind == SERVICE_ACCOUNT else None
    )


def build_credentials(info: dict[str, Any], subject: str | None = None, scopes=SCOPES):
    """google-auth credentials for ``info``; ``subject`` is required for a service account."""
    info = parse_credentials_json(info)
    if info["type"] == SERVICE_ACCOUNT:
        if not subject:
            raise CredentialsError(
                _(
                    "A service account needs the organizer's address to act as "
                    "(domain-wide delegation)."
                )
            )
        try:
            creds = service_account.Credentials.from_service_account_info(info, scopes=scopes)
        except ValueError as exc:  # malformed key: say so without echoing it
            raise CredentialsError(_("The service-account private key cannot be read.")) from exc
        return creds.with_subject(subject)
    return user_credentials.Credentials.from_authorized_user_info(info, scopes=list(scopes))
