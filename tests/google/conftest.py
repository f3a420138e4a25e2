import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from googleapiclient.http import HttpMockSequence

from training.google import client as google_client
from training.google.client import GoogleClient


@pytest.fixture
def sleeps(monkeypatch):
    """Record every backoff/poll wait of the Google layer instead of sleeping."""
    waited: list[float] = []
    monkeypatch.setattr(google_client, "sleep", waited.append)
    return waited


@pytest.fixture
def google(sleeps):
    """``google(responses, **kw)`` -> (GoogleClient over HttpMockSequence, the mock)."""

    def make(responses, **kw):
        http = HttpMockSequence(list(responses))
        return GoogleClient(http=http, **kw), http

    return make


@pytest.fixture(scope="session")
def service_account_info():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": "copa-test",
        "private_key_id": "0123456789abcdef",
        "private_key": pem,
        "client_email": "copa-sync@copa-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@pytest.fixture
def no_real_http(monkeypatch):
    """Any attempt to reach Google for real fails the test."""
    import httplib2

    def refuse(self, uri, *args, **kwargs):
        raise AssertionError(f"real HTTP request to {uri}")

    monkeypatch.setattr(httplib2.Http, "request", refuse)


@pytest.fixture
def google_http(app, sleeps, no_real_http):
    """Every job's Google client talks to this HttpMockSequence; ``.add(*responses)``."""
    http = HttpMockSequence([])
    app.config["GOOGLE_HTTP_FACTORY"] = lambda conn: http
    app.config["GOOGLE_NUM_RETRIES"] = 2
    http.add = lambda *responses: http._iterable.extend(responses)
    return http


@pytest.fixture
def connected(db, service_account_info):
    """``connected(program, google_invites=False)``: the program gets a Google connection."""
    from training.google.operations import connect

    def make(program, google_invites=False, **kw):
        conn = connect(
            program,
            organizer_email="organizer@acme.example.com",
            credentials_json=json.dumps(service_account_info),
            invites_by_google=google_invites,
            **kw,
        )
        db.session.commit()
        return conn

    return make
