"""Forum e-mail through the real outbox and a real SMTP server: a message mail never names an
anonymous author to a peer, every mail carries a one-click unsubscribe (RFC 8058) that works
without a session, and the daily digest is sent once, holds only what is unread, and is not
sent when empty (across the spring DST change in Toronto)."""

from __future__ import annotations

from datetime import UTC, datetime

from training.forum import notify


def _to(smtp_server, user):
    return [m for m in smtp_server.messages if m["To"] == user.email]


def _text(message) -> str:
    return "\n".join(
        part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    )


def _prefer(client, world, user, email):
    r = client.put("/api/v1/me/notifications", json={"email": email}, headers=world.h(user))
    assert r.status_code == 200, r.get_json()


def test_each_message_mail_hides_an_anonymous_author_and_unsubscribes_in_one_click(
    forum, world, client, smtp_server, run_jobs
):
    _prefer(client, world, world.bob, "each")
    topic = forum.topic(world.bob, title="Pay bands for welders", body="What do you pay?")
    forum.reply(world.alice, topic["id"], body="We pay 27 $ an hour.", anonymous=True)
    run_jobs()
    [mail] = _to(smtp_server, world.bob)
    text = _text(mail)
    assert "A participant replied in “Pay bands for welders”" in text
    assert "27 $ an hour" in text
    for leak in ("Alice", "Martin", "Acme", world.alice.email):
        assert leak not in text and leak not in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("http") and "/forum/unsubscribe/" in url

    client.delete_cookie("session")  # the mail client posts with no session and no CSRF token
    path = url.split("://", 1)[1].split("/", 1)[1]
    r = client.post("/" + path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    prefs = client.get("/api/v1/me/notifications", headers=world.h(world.bob)).get_json()
    assert prefs["email"] == "off"
    forum.reply(world.carol, topic["id"], body="Another answer.")
    run_jobs()
    assert len(_to(smtp_server, world.bob)) == 1  # unsubscribed: no more mail
    assert client.post("/forum/unsubscribe/forged-token").status_code == 404


def test_the_expert_sees_who_asked_in_the_mail(forum, world, client, smtp_server, run_jobs):
    _prefer(client, world, world.expert, "each")
    forum.topic(
        world.alice,
        title="Merit budget",
        body="How much for 2027?",
        question="experts",
        anonymous=True,
    )
    run_jobs()
    [mail] = _to(smtp_server, world.expert)
    assert "Alice Martin asked the experts" in _text(mail)


def test_daily_digest_sent_once_only_unread_and_never_empty(
    forum, world, client, smtp_server, run_jobs, clock, login, app
):
    clock.at = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)  # Saturday 10:00 in Toronto (EST)
    first = forum.topic(world.alice, title="Onboarding checklists", body="Share yours?")
    second = forum.topic(world.alice, title="Exit interviews", body="Do you run them?")
    forum.reply(world.bob, first["id"], body="Ours has twelve steps.")
    forum.reply(world.carol, first["id"], body="We keep it to one page.", anonymous=True)
    forum.reply(world.bob, second["id"], body="Always, by phone.")
    login(client, world.alice)
    assert client.get(f"/topics/{second['id']}").status_code == 200  # read: not in the digest

    def digest(at):
        clock.at = at
        with app.app_context():
            count = notify.send_due_digests()
            from training.extensions import db

            db.session.commit()
        run_jobs()
        return count

    # Sunday 06:30 EDT (the clocks moved overnight): before the digest hour
    assert digest(datetime(2026, 3, 8, 10, 30, tzinfo=UTC)) == 0
    assert _to(smtp_server, world.alice) == []
    # Sunday 07:30 EDT: the day's digest
    assert digest(datetime(2026, 3, 8, 11, 30, tzinfo=UTC)) == 1
    [mail] = _to(smtp_server, world.alice)
    text = _text(mail)
    assert "what you missed today" in mail["Subject"]
    assert "Bob Tremblay replied in “Onboarding checklists”" in text
    assert "A participant replied in “Onboarding checklists”" in text
    assert "Carol" not in text and "Cobalt" not in text
    assert "Exit interviews" not in text  # read before the digest
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # the same day again, then the next day with nothing new: no second mail
    assert digest(datetime(2026, 3, 8, 20, 0, tzinfo=UTC)) == 0
    assert digest(datetime(2026, 3, 9, 12, 0, tzinfo=UTC)) == 0
    assert len(_to(smtp_server, world.alice)) == 1
