"""The session page leads to the session's recording: replay link, live progress, upload."""

from datetime import timedelta

from training.db import utcnow


def test_session_page_shows_the_recording_and_the_upload_link(
    client, db, make_program, make_member, login
):
    from recordings.models import Recording
    from training.sessions.models import TrainingSession

    program = make_program(locale="en")
    facilitator = make_member(program, "facilitator").user
    participant = make_member(program, "participant").user
    start = utcnow() - timedelta(days=1)
    session = TrainingSession(
        program_id=program.id,
        title="Salary bands",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Recording(session_id=session.id, program_id=program.id, status="processing", progress=40)
    )
    db.session.commit()

    login(client, participant)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Watch the replay" in page and 'value="40"' in page
    assert "Add a recording" not in page
    client.post("/logout")
    login(client, facilitator)
    assert "Add a recording" in client.get(f"/sessions/{session.id}").get_data(as_text=True)
