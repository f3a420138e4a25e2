from datetime import UTC, datetime

import pytest
from googleapiclient.errors import HttpError

from tests.google.googlemock import brief, calls, error, ok
from training.google.calendar_sync import CalendarSync, EventLink, EventSpec, event_id_for

EVENTS = "/calendar/v3/calendars/primary/events"
SALT = "salt-1"
SPEC = EventSpec(
    key="session:12",
    summary="Lean onboarding",
    start=datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
    end=datetime(2026, 3, 10, 15, 30, tzinfo=UTC),
    timezone="America/Toronto",
    attendees=("Ana@Example.com", "bob@example.com", "ana@example.com"),
    description="Session 3",
)
ID0 = event_id_for(SALT, "session:12", 0)
ID1 = event_id_for(SALT, "session:12", 1)
MEET = "https://meet.google.com/abc-defg-hij"


def event(event_id=ID0, etag='"e1"', status="success", meet=MEET, **extra):
    data = {"id": event_id, "etag": etag, "status": "confirmed", "htmlLink": "https://cal/x"}
    if status:
        data["conferenceData"] = {
            "createRequest": {"requestId": f"{event_id}-meet", "status": {"statusCode": status}}
        }
        if status == "success":
            data["hangoutLink"] = meet
            data["conferenceData"]["entryPoints"] = [{"entryPointType": "video", "uri": meet}]
    data.update(extra)
    return data


def sync(client, **kw):
    return CalendarSync(client, salt=SALT, **kw)


def test_event_ids_are_valid_stable_and_distinct():
    assert event_id_for(SALT, "session:12") == ID0
    assert ID0 != ID1 != event_id_for("other-install", "session:12")
    assert 5 <= len(ID0) <= 1024
    assert set(ID0) <= set("0123456789abcdefghijklmnopqrstuv")


def test_insert_creates_event_with_attendees_and_meet_link(google):
    client, http = google([ok(event())])
    link = sync(client).upsert(SPEC)

    (call,) = calls(http)
    assert (call.method, call.path) == ("POST", EVENTS)
    assert call.query == {"conferenceDataVersion": "1", "sendUpdates": "none"}
    assert call.body["id"] == ID0
    assert call.body["attendees"] == [{"email": "ana@example.com"}, {"email": "bob@example.com"}]
    assert call.body["start"] == {
        "dateTime": "2026-03-10T10:00:00-04:00",  # EDT: after the 2026-03-08 DST change
        "timeZone": "America/Toronto",
    }
    assert call.body["guestsCanSeeOtherGuests"] is False
    assert call.body["extendedProperties"] == {"private": {"copaKey": "session:12"}}
    assert call.body["conferenceData"] == {
        "createRequest": {
            "requestId": f"{ID0}-meet",
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
        }
    }
    assert (link.event_id, link.etag, link.meet_url) == (ID0, '"e1"', MEET)
    assert link.conference_status == "success"


def test_google_as_invite_sender_sends_updates_to_all(google):
    client, http = google([ok(event())])
    sync(client, google_sends_invites=True).upsert(SPEC)
    assert calls(http)[0].query["sendUpdates"] == "all"


def test_pending_conference_is_polled_until_the_link_exists(google, sleeps):
    client, http = google([ok(event(status="pending")), ok(event(status="pending")), ok(event())])
    link = sync(client, conference_poll_interval=0.5).upsert(SPEC)

    assert brief(http) == [("POST", EVENTS), ("GET", f"{EVENTS}/{ID0}"), ("GET", f"{EVENTS}/{ID0}")]
    assert sleeps == [0.5, 1.0]
    assert link.meet_url == MEET and link.conference_status == "success"


def test_conference_still_pending_after_polls_is_reported(google):
    client, http = google([ok(event(status="pending"))] + [ok(event(status="pending"))] * 2)
    link = sync(client, conference_poll_attempts=2).upsert(SPEC)
    assert link.event_id == ID0 and link.meet_url is None
    assert link.conference_status == "pending"


def test_change_patches_with_if_match_and_keeps_the_meeting(google):
    client, http = google([ok(event(etag='"e2"'))])
    moved = EventSpec(**{**SPEC.__dict__, "summary": "Lean onboarding (moved)"})
    link = sync(client).upsert(moved, EventLink(ID0, '"e1"', 0, MEET))

    (call,) = calls(http)
    assert (call.method, call.path) == ("PATCH", f"{EVENTS}/{ID0}")
    assert call.headers["if-match"] == '"e1"'
    assert call.query == {"sendUpdates": "none"}
    assert call.body["summary"] == "Lean onboarding (moved)"
    assert "conferenceData" not in call.body
    assert (link.etag, link.meet_url) == ('"e2"', MEET)


def test_etag_mismatch_refetches_and_retries(google):
    client, http = google(
        [error(412, "conditionNotMet"), ok(event(etag='"e5"')), ok(event(etag='"e6"'))]
    )
    link = sync(client).upsert(SPEC, EventLink(ID0, '"e1"', 0, MEET))

    assert brief(http) == [
        ("PATCH", f"{EVENTS}/{ID0}"),
        ("GET", f"{EVENTS}/{ID0}"),
        ("PATCH", f"{EVENTS}/{ID0}"),
    ]
    patches = [c for c in calls(http) if c.method == "PATCH"]
    assert [c.headers["if-match"] for c in patches] == ['"e1"', '"e5"']
    assert link.etag == '"e6"'


def test_gone_event_is_recreated_under_a_new_id(google):
    client, http = google([error(410, "deleted"), ok(event(ID1, etag='"n1"'))])
    link = sync(client).upsert(SPEC, EventLink(ID0, '"e1"', 0, MEET))

    assert brief(http) == [("PATCH", f"{EVENTS}/{ID0}"), ("POST", EVENTS)]
    post = calls(http)[1]
    assert post.body["id"] == ID1
    assert post.body["conferenceData"]["createRequest"]["requestId"] == f"{ID1}-meet"
    assert (link.event_id, link.generation, link.etag) == (ID1, 1, '"n1"')


def test_resync_after_lost_link_adopts_the_existing_event(google):
    """The first sync's result was never stored: the same id comes back, nothing duplicates."""
    client, http = google([error(409, "duplicate"), ok(event(etag='"e3"')), ok(event(etag='"e4"'))])
    link = sync(client).upsert(SPEC)

    assert brief(http) == [
        ("POST", EVENTS),
        ("GET", f"{EVENTS}/{ID0}"),
        ("PATCH", f"{EVENTS}/{ID0}"),
    ]
    assert calls(http)[2].headers["if-match"] == '"e3"'
    assert "conferenceData" not in calls(http)[2].body  # the meeting exists already
    assert (link.event_id, link.etag, link.meet_url) == (ID0, '"e4"', MEET)


def test_id_of_an_event_deleted_in_google_moves_to_next_generation(google):
    client, http = google(
        [
            error(409, "duplicate"),
            ok(event(status=None, meet=None) | {"status": "cancelled"}),
            ok(event(ID1)),
        ]
    )
    link = sync(client).upsert(SPEC)
    assert brief(http) == [("POST", EVENTS), ("GET", f"{EVENTS}/{ID0}"), ("POST", EVENTS)]
    assert calls(http)[2].body["id"] == ID1
    assert link.event_id == ID1 and link.generation == 1


def test_rate_limits_and_server_errors_are_retried_with_backoff(google, sleeps):
    client, http = google(
        [
            error(429, "rateLimitExceeded"),
            error(503, "backendError"),
            error(403, "rateLimitExceeded"),
            ok(event()),
        ],
        num_retries=3,
    )
    link = sync(client).upsert(SPEC)
    assert brief(http) == [("POST", EVENTS)] * 4
    assert len(sleeps) == 3 and all(s >= 0 for s in sleeps)
    assert {c.body["id"] for c in calls(http)} == {ID0}  # the same id: retries can't duplicate
    assert link.event_id == ID0


def test_forbidden_is_not_retried(google, sleeps):
    client, http = google([error(403, "forbiddenForNonOrganizer")], num_retries=3)
    with pytest.raises(HttpError) as info:
        sync(client).upsert(SPEC)
    assert info.value.resp.status == 403
    assert sleeps == [] and len(calls(http)) == 1


def test_retries_give_up_after_num_retries(google, sleeps):
    client, http = google([error(500, "backendError")] * 3, num_retries=2)
    with pytest.raises(HttpError):
        sync(client).upsert(SPEC)
    assert len(calls(http)) == 3 and len(sleeps) == 2


def test_cancel_deletes_and_tolerates_already_gone(google):
    client, http = google([ok(status=204), error(410, "deleted")])
    calendar = sync(client, google_sends_invites=True)
    calendar.delete(EventLink(ID0, '"e1"'))
    calendar.delete(EventLink(ID0, '"e1"'))
    assert brief(http) == [("DELETE", f"{EVENTS}/{ID0}")] * 2
    assert calls(http)[0].query == {"sendUpdates": "all"}


def test_external_join_url_means_no_meet_request(google):
    client, http = google([ok(event(status=None))])
    spec = EventSpec(**{**SPEC.__dict__, "with_meet": False, "location": "https://zoom.us/j/1"})
    link = sync(client).upsert(spec)
    body = calls(http)[0].body
    assert "conferenceData" not in body and body["location"] == "https://zoom.us/j/1"
    assert link.meet_url is None and link.conference_status is None


def test_switching_to_another_join_link_removes_the_meet(google):
    client, http = google([ok(event(etag='"e2"', status=None, meet=None))])
    spec = EventSpec(**{**SPEC.__dict__, "with_meet": False, "location": "https://zoom.us/j/9"})
    link = sync(client).upsert(spec, EventLink(ID0, '"e1"', 0, MEET))

    (call,) = calls(http)
    assert call.method == "PATCH" and call.query["conferenceDataVersion"] == "1"
    assert call.body["conferenceData"] is None and call.body["location"] == "https://zoom.us/j/9"
    assert link.meet_url is None
