"""The forum's pages: anonymity towards peers in the page, the form keeping what was typed,
quotes, the bell and notifications, search, and the facilitator's participation page with
its contact log."""

from __future__ import annotations

import re


def _html(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, url
    return r.get_data(as_text=True)


def test_topic_page_hides_an_anonymous_author_from_peers_only(forum, world, client, login):
    topic = forum.topic(world.bob, title="Turnover in the shop")
    forum.reply(world.alice, topic["id"], body="We lost three welders.", anonymous=True)
    login(client, world.carol)
    html = _html(client, f"/topics/{topic['id']}")
    assert "We lost three welders." in html and "A participant" in html
    assert "Alice" not in html and "Acme" not in html
    login(client, world.expert)
    html = _html(client, f"/topics/{topic['id']}")
    assert "Alice Martin" in html and "Acme" in html and "anonymous to peers" in html
    login(client, world.alice)  # the author sees themself
    assert "Alice Martin" in _html(client, f"/topics/{topic['id']}")


def test_a_refused_reply_keeps_the_text_and_says_why_beside_the_field(forum, world, client, login):
    topic = forum.topic(world.bob)
    login(client, world.alice)
    r = client.post(f"/topics/{topic['id']}/reply", data={"body": "   ", "anonymous": "1"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert re.search(r'id="f-body"[^>]*aria-invalid="true"', html)
    assert 'id="f-body-error"' in html
    assert re.search(r'id="reply-anonymous"[^>]*checked', html)
    assert forum.get(world.bob, topic["id"])["replies"] == 0
    long = "x" * 100_001
    r = client.post(f"/topics/{topic['id']}/reply", data={"body": long})
    assert r.status_code in (413, 422)
    assert forum.get(world.bob, topic["id"])["replies"] == 0


def test_reply_with_a_quote_and_jump_to_the_first_unread(forum, world, client, login):
    topic = forum.topic(world.bob, title="Interviews")
    first = forum.reply(world.carol, topic["id"], body="Structured ones work.")
    login(client, world.alice)
    _html(client, f"/topics/{topic['id']}")  # read up to here
    later = forum.reply(world.carol, topic["id"], body="And a scorecard.")
    r = client.get(f"/topics/{topic['id']}/unread")
    assert r.headers["Location"].endswith(f"#post-{later['id']}")
    html = _html(client, f"/topics/{topic['id']}?quote={first['id']}")
    assert f'name="quote_post_id" value="{first["id"]}"' in html
    r = client.post(
        f"/topics/{topic['id']}/reply",
        data={"body": "Agreed.", "quote_post_id": str(first["id"])},
    )
    assert r.status_code == 302
    html = _html(client, f"/topics/{topic['id']}")
    assert 'class="forum-quote' in html and "Structured ones work." in html


def test_script_in_markdown_is_inert_on_the_page(forum, world, client, login):
    topic = forum.topic(
        world.alice,
        body="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    login(client, world.bob)
    html = _html(client, f"/topics/{topic['id']}")
    body = html.split("forum-posts", 1)[1].split('id="reply"', 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # shown as text, never run
    assert not re.search(r"<script|href=\"javascript:|<img[^>]*onerror", body)


def test_bell_counts_unread_and_notifications_open_the_post(forum, world, client, login):
    topic = forum.topic(world.alice, title="Benefits")
    reply = forum.reply(world.bob, topic["id"], body="Group insurance.")
    login(client, world.alice)
    html = _html(client, f"/programs/{world.program.id}/forum")
    assert re.search(r'forum-bell[^>]*>.*?<span class="badge[^"]*">1</span>', html, re.S)
    html = _html(client, "/forum/notifications")
    assert "Bob Tremblay replied in “Benefits”" in html
    nid = re.search(r'href="/forum/notifications/(\d+)"', html).group(1)
    r = client.get(f"/forum/notifications/{nid}")
    assert r.headers["Location"].endswith(f"/topics/{topic['id']}#post-{reply['id']}")
    html = _html(client, f"/programs/{world.program.id}/forum")
    assert not re.search(r'forum-bell[^>]*>.*?<span class="badge', html.split("</header>")[0], re.S)
    r = client.post("/forum/notifications", data={"email": "weekly"})
    assert r.status_code == 302
    assert 'id="email-weekly" value="weekly" checked' in _html(client, "/forum/notifications")
    r = client.post("/forum/notifications", data={"email": "hourly"})
    assert r.status_code == 422


def test_search_page_is_accent_insensitive_and_shows_no_anonymous_author(
    forum, world, client, login
):
    forum.topic(
        world.alice,
        title="Évaluation du rendement",
        body="Nous faisons une évaluation annuelle.",
        anonymous=True,
    )
    login(client, world.bob)
    html = _html(client, f"/programs/{world.program.id}/forum/search?q=evaluation")
    assert "1 result" in html and "<mark>" in html and "Évaluation du rendement" in html
    assert "Alice" not in html.split("<main", 1)[1]
    login(client, world.outsider)
    _html(client, f"/programs/{world.program.id}/forum/search?q=evaluation", status=404)


def test_participation_page_and_contact_log_are_the_facilitators(forum, world, client, login):
    for _ in range(3):
        forum.topic(world.alice, title="Mine")
    login(client, world.alice)
    _html(client, f"/programs/{world.program.id}/forum/participation", status=403)
    login(client, world.facilitator)
    html = _html(client, f"/programs/{world.program.id}/forum/participation")
    assert "100 %" in html and "forum-top3-warning" in html
    assert "2 members silent for 3 weeks or more" in html  # Bob and Carol never posted
    r = client.post(
        f"/programs/{world.program.id}/forum/participation/contacts",
        data={"member_id": str(world.bob.id), "body": "Called Bob: busy season, back in May."},
    )
    assert r.status_code == 302
    assert "busy season, back in May" in _html(
        client, f"/programs/{world.program.id}/forum/participation"
    )
    r = client.post(
        f"/programs/{world.program.id}/forum/participation/contacts",
        data={"member_id": str(world.outsider.id), "body": "Not ours"},
    )
    assert r.status_code == 422 and "Choose a participant of this program." in r.get_data(
        as_text=True
    )
    r = client.post(
        f"/programs/{world.program.id}/forum/participation/settings", data={"silent_weeks": "0"}
    )
    assert r.status_code == 422
    client.post(
        f"/programs/{world.program.id}/forum/participation/settings", data={"silent_weeks": "5"}
    )
    assert "2 members silent for 5 weeks" in _html(
        client, f"/programs/{world.program.id}/forum/participation"
    )
    login(client, world.alice)
    assert (
        client.post(
            f"/programs/{world.program.id}/forum/participation/contacts",
            data={"member_id": str(world.bob.id), "body": "x"},
        ).status_code
        == 403
    )


def test_moderation_from_the_topic_page(forum, world, client, login):
    topic = forum.topic(world.alice, title="Heated")
    reply = forum.reply(world.bob, topic["id"], body="Rude words")
    login(client, world.carol)
    client.post(f"/posts/{reply['id']}/flag", data={"reason": "Insulting"})
    login(client, world.facilitator)
    html = _html(client, f"/programs/{world.program.id}/forum/flags")
    assert "Insulting" in html and "Rude words" in html
    client.post(f"/posts/{reply['id']}/hide", data={"reason": "Keep it civil"})
    client.post(f"/topics/{topic['id']}/moderate", data={"action": "lock"})
    login(client, world.bob)
    html = _html(client, f"/topics/{topic['id']}")
    assert "Keep it civil" in html  # its author reads why
    assert "This topic is locked" in html
    login(client, world.carol)
    html = _html(client, f"/topics/{topic['id']}")
    assert "hidden by the facilitator" in html
    assert "Rude words" not in html and "Keep it civil" not in html  # the reason is the author's
