import pytest
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
