"""The program overview's replays block: the latest replays with how far the viewer got
("new" when never opened), and for staff what is still processing or failed."""

from __future__ import annotations

from datetime import timedelta


def _recording(db, rec, status, **extra):
    from recordings.models import Recording
    from training.db import utcnow

    r = Recording(
        session_id=rec.session.id,
        program_id=rec.program.id,
        status=status,
        ready_at=utcnow() - timedelta(hours=1) if status == "ready" else None,
        **extra,
    )
    db.session.add(r)
    db.session.commit()
    return r


def test_replays_show_new_and_watched_and_staff_see_what_failed(client, db, login, rec):
    from recordings.models import WatchProgress

    seen = _recording(db, rec, "ready", duration_seconds=100)
    unseen = _recording(db, rec, "ready", duration_seconds=100)
    _recording(db, rec, "failed")
    _recording(db, rec, "processing")
    db.session.add(
        WatchProgress(
            recording_id=seen.id, user_id=rec.participant.id, position_seconds=40, watched="1100"
        )
    )
    db.session.commit()

    login(client, rec.participant)
    html = client.get(f"/programs/{rec.program.id}").get_data(as_text=True)
    block = html[html.index('id="next-replays"') :]
    block = block[: block.index("</section>")]
    assert f"/recordings/{seen.id}" in block and f"/recordings/{unseen.id}" in block
    assert block.count(">new</span>") == 1  # only the one never opened
    assert "50% watched" in block and 'value="50"' in block
    assert "failed" not in block and "processed" not in block  # a participant's view

    login(client, rec.facilitator)
    html = client.get(f"/programs/{rec.program.id}").get_data(as_text=True)
    assert "1 recording failed" in html and "1 recording is being processed" in html

    login(client, rec.outsider)
    assert client.get(f"/programs/{rec.program.id}").status_code == 404
