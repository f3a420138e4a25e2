"""Offline Google: HttpMockSequence responses and parsed views of the requests made."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from googleapiclient.http import HttpMockSequence


def ok(body=None, status=200, **headers):
    head = {"status": str(status), "content-type": "application/json"}
    head.update({k.replace("_", "-"): v for k, v in headers.items()})
    return head, json.dumps(body if body is not None else {})


def error(status, reason="", message="error"):
    errors = [{"reason": reason, "message": message, "domain": "global"}] if reason else []
    body = {"error": {"code": status, "message": message, "errors": errors}}
    return {"status": str(status), "content-type": "application/json"}, json.dumps(body)


def media(data: bytes, start: int, total: int):
    end = start + len(data) - 1
    head = {"status": "206", "content-range": f"bytes {start}-{end}/{total}"}
    return head, data


@dataclass
class Call:
    method: str
    host: str
    path: str
    query: dict
    body: object
    headers: dict


def calls(http: HttpMockSequence) -> list[Call]:
    out = []
    for uri, method, body, headers in http.request_sequence:
        parts = urlsplit(uri)
        query = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()}
        query.pop("alt", None) if query.get("alt") == "json" else None
        if isinstance(body, bytes):
            body = body.decode()
        if isinstance(body, str) and body[:1] in "{[":
            body = json.loads(body)
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        out.append(Call(method, parts.netloc, parts.path, query, body, headers))
    return out


def brief(http: HttpMockSequence) -> list[tuple[str, str]]:
    return [(c.method, c.path) for c in calls(http)]


EVENTS = "/calendar/v3/calendars/primary/events"
MEET = "https://meet.google.com/abc-defg-hij"


def gevent(event_id, etag='"1"', meet=MEET, status="success"):
    """A Calendar event as Google returns it; with a Meet link whose creation is ``status``."""
    data = {"id": event_id, "etag": etag, "status": "confirmed", "htmlLink": "https://cal/e"}
    if meet:
        data["hangoutLink"] = meet
        data["conferenceData"] = {"createRequest": {"status": {"statusCode": status}}}
    return data
