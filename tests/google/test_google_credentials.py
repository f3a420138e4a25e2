import base64
import json
import logging
from urllib.parse import parse_qs

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpMockSequence

from tests.google.googlemock import calls, error, ok
from training.google.calendar_sync import CalendarSync, EventSpec
from training.google.client import GoogleClient, describe_error
from training.google.credentials import (
    CredentialsError,
    build_credentials,
    parse_credentials_json,
    summarize,
)
from training.google.secrets import (
    MASK,
    decrypt_json,
    encrypt_json,
    install_log_redaction,
    redact,
    redact_text,
)

USER_INFO = {
    "type": "authorized_user",
    "client_id": "42-abc.apps.googleusercontent.com",
    "client_secret": "GOCSPX-very-secret",
    "refresh_token": "1//0refresh-token-value-xyz",
}


def jwt_claims(assertion: str) -> dict:
    payload = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_service_account_acts_as_the_organizer(service_account_info, sleeps):
    from datetime import UTC, datetime

    http = HttpMockSequence(
        [
            ok(
                {
                    "access_token": "ya29.short-lived-token",
                    "expires_in": 3600,
                    "token_type": "Bearer",
                }
            ),
            ok({"id": "copaabc", "etag": '"1"', "status": "confirmed"}),
        ]
    )
    client = GoogleClient.from_info(service_account_info, "organizer@acme.test", http=http)
    spec = EventSpec(
        "session:1",
        "Kick-off",
        datetime(2026, 1, 5, 15, tzinfo=UTC),
        datetime(2026, 1, 5, 16, tzinfo=UTC),
        "America/Toronto",
        with_meet=False,
    )
    CalendarSync(client, salt="s").upsert(spec)

    token, insert = calls(http)
    assert (token.method, token.host, token.path) == ("POST", "oauth2.googleapis.com", "/token")
    form = {k: v[0] for k, v in parse_qs(token.body).items()}
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = jwt_claims(form["assertion"])
    assert claims["sub"] == "organizer@acme.test"
    assert claims["iss"] == service_account_info["client_email"]
    assert "https://www.googleapis.com/auth/calendar.events" in claims["scope"].split()
    assert insert.headers["authorization"] == "Bearer ya29.short-lived-token"


def test_service_account_without_organizer_is_refused(service_account_info):
    with pytest.raises(CredentialsError, match="organizer"):
        build_credentials(service_account_info)


def test_oauth_user_credentials_refresh_with_their_token():
    http = HttpMockSequence(
        [ok({"access_token": "ya29.user-token", "expires_in": 3600}), ok({"items": []})]
    )
    client = GoogleClient.from_info(USER_INFO, http=http)
    client.execute(client.calendar.events().list(calendarId="primary"))
    token, listing = calls(http)
    assert parse_qs(token.body)["grant_type"] == ["refresh_token"]
    assert listing.headers["authorization"] == "Bearer ya29.user-token"


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"type": "external_account"}', "Unsupported"),
        ('{"type": "authorized_user", "client_id": "x"}', "client_secret, refresh_token"),
    ],
)
def test_unusable_credentials_are_explained(text, message):
    with pytest.raises(CredentialsError, match=message):
        parse_credentials_json(text)


def test_bad_private_key_error_does_not_echo_it(service_account_info):
    info = dict(
        service_account_info,
        private_key="-----BEGIN PRIVATE KEY-----\nAAAAsecret\n-----END PRIVATE KEY-----\n",
    )
    with pytest.raises(CredentialsError) as exc:
        build_credentials(info, "organizer@acme.test")
    assert "AAAAsecret" not in str(exc.value)


def test_summary_shows_only_public_identifiers(service_account_info):
    summary = summarize(service_account_info, "organizer@acme.test")
    assert summary.account == "copa-sync@copa-test.iam.gserviceaccount.com"
    assert "PRIVATE" not in repr(summary)
    assert summarize(USER_INFO).account == USER_INFO["client_id"]


def test_redact_masks_every_secret(service_account_info):
    masked = redact(service_account_info)
    assert masked["private_key"] == MASK and masked["private_key_id"] == MASK
    assert masked["client_email"] == service_account_info["client_email"]
    dumped = json.dumps(service_account_info) + json.dumps(USER_INFO)
    cleaned = redact_text(dumped)
    for secret in ("BEGIN PRIVATE KEY", "0123456789abcdef", "GOCSPX-very-secret", "1//0refresh"):
        assert secret not in cleaned
    assert "copa-sync@copa-test.iam.gserviceaccount.com" in cleaned
    assert redact_text("Authorization: Bearer ya29.abc.def") == f"Authorization: Bearer {MASK}"
    assert redact_text("refresh_token=1//0abcdefghijkl&x=1") == f"refresh_token={MASK}&x=1"


def test_google_errors_are_described_without_tokens():
    head, body = error(401, "authError", "Invalid token ya29.leaked-token-value")
    import httplib2

    exc = HttpError(httplib2.Response(head), body.encode(), uri="https://x")
    text = describe_error(exc)
    assert text.startswith("HTTP 401 authError") and "ya29.leaked" not in text


def test_logs_are_redacted(caplog):
    install_log_redaction()
    with caplog.at_level(logging.INFO, logger="training.google"):
        logging.getLogger("training.google.client").info("credentials %s", json.dumps(USER_INFO))
    assert "GOCSPX-very-secret" not in caplog.text and MASK in caplog.text


def test_encrypted_storage_round_trip_and_wrong_key(service_account_info):
    token = encrypt_json(service_account_info, "key-1")
    assert "PRIVATE" not in token and service_account_info["client_email"] not in token
    assert decrypt_json(token, "key-1") == service_account_info
    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt_json(token, "key-2")
