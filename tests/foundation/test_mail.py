"""The outbox and its send job, against a real SMTP server and real RQ."""

from email.utils import parseaddr

import pytest


def _queue(db, **kw):
    from training.mail.operations import queue_mail

    kw.setdefault("to_email", "lea@example.org")
    kw.setdefault("subject", "Bonjour")
    kw.setdefault("text", "Texte")
    msg = queue_mail(**kw)
    db.session.commit()
    return msg


def test_message_is_sent_over_smtp_after_commit(db, smtp_server, run_jobs):
    from training.mail.models import OutboxMessage

    msg = _queue(db, html="<p>Texte</p>")
    assert run_jobs() == 1
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert parseaddr(received["To"])[1] == "lea@example.org"
    assert received["Subject"] == "Bonjour"
    assert received["Message-ID"] == msg.message_id
    assert received.get_content_type() == "multipart/alternative"
    assert db.session.get(OutboxMessage, msg.id).status == "sent"


def test_nothing_is_enqueued_when_the_transaction_rolls_back(db, redis_conn, run_jobs, smtp_server):
    from training.mail.operations import queue_mail

    queue_mail("x@example.org", "S", "T")
    db.session.rollback()
    assert run_jobs() == 0
    assert smtp_server.messages == []


def test_calendar_part_is_inline_with_matching_method(db, smtp_server, run_jobs):
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:REQUEST\r\n"
        b"END:VCALENDAR\r\n"
    )
    _queue(db, html="<p>x</p>", ics=ics, ics_method="REQUEST")
    run_jobs()
    received = smtp_server.messages[0]
    parts = [p.get_content_type() for p in received.iter_parts()]
    assert parts == ["text/plain", "text/html", "text/calendar"]
    cal = list(received.iter_parts())[2]
    assert cal.get_param("method") == "REQUEST"
    assert cal.get_content_disposition() == "inline"
    assert b"METHOD:REQUEST" in cal.get_payload(decode=True)


def test_a_message_is_sent_once_even_if_its_job_runs_twice(db, smtp_server, run_jobs):
    from training.mail.jobs import send_message

    msg = _queue(db)
    run_jobs()
    assert send_message(msg.id) == "sent"  # second run: already sent, nothing goes out
    assert len(smtp_server.messages) == 1


def test_dedupe_key_makes_queueing_idempotent(db, smtp_server, run_jobs):
    first = _queue(db, dedupe_key="reminder-1")
    second = _queue(db, dedupe_key="reminder-1")
    assert first.id == second.id
    run_jobs()
    assert len(smtp_server.messages) == 1


def test_smtp_failure_is_retried_with_backoff_then_sent(app, db, run_jobs, smtp_server):
    from rq import Queue

    from training.mail.jobs import send_message
    from training.mail.models import OutboxMessage
    from workers.queues import get_redis, queue_name

    port = smtp_server.port
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    msg = _queue(db)
    run_jobs()
    row = db.session.get(OutboxMessage, msg.id)
    assert row.status == "queued" and row.attempts == 1
    assert "ConnectionRefused" in row.last_error
    scheduled = Queue(queue_name("mail"), connection=get_redis()).scheduled_job_registry
    assert scheduled.get_job_ids() == [send_message.job_id(msg.id)]  # retry waits for its backoff
    assert smtp_server.messages == []

    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    from datetime import timedelta

    from training.db import utcnow

    run_jobs(until=utcnow() + timedelta(minutes=2))
    row = db.session.get(OutboxMessage, msg.id)
    assert row.status == "sent" and row.attempts == 2
    assert len(smtp_server.messages) == 1


def test_without_smtp_url_mail_is_held_in_the_outbox(app, db, run_jobs, client, make_user, login):
    from training.mail.models import OutboxMessage

    msg = _queue(db, subject="Invitation CoPA")
    run_jobs()
    assert db.session.get(OutboxMessage, msg.id).status == "held"
    admin = make_user(is_admin=True)
    page = login(client, admin).get("/admin/outbox/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Invitation CoPA" in html
    assert "Held here (no SMTP server)" in html and ">held<" not in html  # a sentence
    one = client.get(f"/admin/outbox/{msg.id}").get_data(as_text=True)
    assert "Held here (no SMTP server)" in one


def test_outbox_is_for_admins_only(client, make_user, login):
    assert login(client, make_user()).get("/admin/outbox/").status_code == 403


def test_sweeper_requeues_what_redis_lost(app, db, smtp_server, run_jobs, redis_conn):
    from datetime import timedelta

    import sqlalchemy as sa

    from training.db import utcnow
    from training.mail.jobs import requeue_stale_messages
    from training.mail.models import OutboxMessage
    from workers.queues import all_queue_names

    msg = _queue(db)
    for name in all_queue_names():  # Redis restarted: the queue is gone
        from rq import Queue

        Queue(name, connection=redis_conn).empty()
    db.session.execute(sa.update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert requeue_stale_messages() == 1
    run_jobs()
    assert len(smtp_server.messages) == 1
    assert db.session.get(OutboxMessage, msg.id).status == "sent"


@pytest.mark.parametrize("bad", [dict(ics=b"x"), dict(ics=b"x", ics_method="SHOUT")])
def test_inconsistent_calendar_arguments_are_refused(db, bad):
    from training.mail.operations import queue_mail

    with pytest.raises(ValueError):
        queue_mail("a@example.org", "s", "t", **bad)
