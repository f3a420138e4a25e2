"""Topics, replies, quotes, Markdown, edits, votes, flags, moderation and bad input, through
the API (the same operations serve the pages)."""

from __future__ import annotations

import sqlalchemy as sa


def _count(db, table):
    return db.session.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()


def test_topic_and_replies_with_a_quote(forum, world):
    topic = forum.topic(world.alice, title="Pricing tips", body="How do you price **audits**?")
    assert topic["title"] == "Pricing tips"
    assert topic["author"]["name"] == "Alice Martin"
    assert topic["posts"][0]["body_html"] == "<p>How do you price <strong>audits</strong>?</p>\n"
    first = topic["posts"][0]["id"]
    reply = forum.reply(world.bob, topic["id"], body="By the day.", quote_post_id=first)
    assert reply["quote_post_id"] == first and reply["accepted"] is False
    got = forum.get(world.carol, topic["id"])
    assert [p["id"] for p in got["posts"]] == [first, reply["id"]]
    assert got["replies"] == 1


def test_markdown_is_sanitised(forum, world):
    body = (
        "<script>alert(1)</script> [click](javascript:alert(1)) "
        "[ok](https://example.org) <img src=x onerror=alert(1)>"
    )
    html = forum.topic(world.alice, body=body)["posts"][0]["body_html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "[click](javascript:alert(1))" in html  # left as text: markdown-it refused the link
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow ugc">ok</a>' in html


def test_bad_bodies_are_refused_and_nothing_is_written(forum, world, db, client):
    for body, code in (("   ", "body_required"), ("x" * 100_001, "body_too_long")):
        answer = forum.topic(world.alice, expect=422, body=body)
        assert answer["error"]["code"] == code
    assert forum.topic(world.alice, expect=422, body="é" * 51_000)["error"]["code"] == (
        "body_too_long"
    )  # bytes, not characters
    assert _count(db, "forum_topics") == 0 and _count(db, "forum_posts") == 0
    topic = forum.topic(world.alice)
    assert forum.reply(world.bob, topic["id"], expect=422, body="")["error"]["code"] == (
        "body_required"
    )
    assert _count(db, "forum_posts") == 1


def test_a_mention_of_someone_outside_the_program_is_refused(forum, world, db):
    answer = forum.topic(world.alice, expect=422, body="Ask @oscar.outsider about it")
    assert answer["error"]["code"] == "unknown_mention"
    assert _count(db, "forum_topics") == 0
    ok = forum.topic(world.alice, body="Ask @bob.tremblay or @Carol about it")
    html = ok["posts"][0]["body_html"]
    assert '<strong class="mention">@bob.tremblay</strong>' in html
    assert '<strong class="mention">@Carol</strong>' in html
    # an address is not a mention
    forum.topic(world.alice, body="Write to info@acme.example")


def test_locked_and_hidden_topics_take_no_reply(forum, world, db):
    topic = forum.topic(world.alice)
    tid = topic["id"]
    forum.post(world.facilitator, f"/api/v1/topics/{tid}/moderation", locked=True)
    assert forum.reply(world.bob, tid, expect=409)["error"]["code"] == "topic_locked"
    forum.post(world.facilitator, f"/api/v1/topics/{tid}/moderation", locked=False)
    forum.reply(world.bob, tid)
    first = topic["posts"][0]["id"]
    forum.post(world.facilitator, f"/api/v1/posts/{first}/hide", reason="Off topic")
    # the author still sees it (with the reason), but cannot reply; peers get 404
    mine = forum.get(world.alice, tid)
    assert mine["hidden"] and mine["posts"][0]["hidden_reason"] == "Off topic"
    assert forum.reply(world.alice, tid, expect=409)["error"]["code"] == "topic_hidden"
    forum.get(world.bob, tid, expect=404)
    assert _count(db, "forum_posts") == 2


def test_flags_hide_and_restore(forum, world, client):
    topic = forum.topic(world.alice)
    reply = forum.reply(world.bob, topic["id"], body="Buy my product!")
    pid = reply["id"]
    own = forum.post(world.bob, f"/api/v1/posts/{pid}/flag", expect=409, reason="mine")
    assert own["error"]["code"] == "own_post"
    forum.post(world.alice, f"/api/v1/posts/{pid}/flag", expect=201, reason="Advertising")
    assert (
        forum.post(world.alice, f"/api/v1/posts/{pid}/flag", expect=422, reason=" ")["error"][
            "code"
        ]
        == "reason_required"
    )
    forum.post(world.alice, f"/api/v1/posts/{pid}/hide", expect=403, reason="no")
    hidden = forum.post(world.facilitator, f"/api/v1/posts/{pid}/hide", reason="Advertising")
    assert hidden["hidden"] is True
    peer = forum.get(world.carol, topic["id"])["posts"][1]
    assert peer["body_html"] is None and "hidden_reason" not in peer
    author = forum.get(world.bob, topic["id"])["posts"][1]
    assert author["hidden_reason"] == "Advertising" and "Buy my product" in author["body_html"]
    forum.post(world.facilitator, f"/api/v1/posts/{pid}/restore")
    assert "Buy my product" in forum.get(world.carol, topic["id"])["posts"][1]["body_html"]


def test_useful_votes_one_per_member(forum, world, db, client):
    topic = forum.topic(world.alice)
    pid = topic["posts"][0]["id"]
    assert forum.post(world.alice, f"/api/v1/posts/{pid}/useful", expect=409)["error"]["code"] == (
        "own_post"
    )
    for _ in range(2):
        assert forum.post(world.bob, f"/api/v1/posts/{pid}/useful")["useful"] == 1
    assert forum.post(world.carol, f"/api/v1/posts/{pid}/useful")["useful"] == 2
    r = client.delete(f"/api/v1/posts/{pid}/useful", headers=world.h(world.bob))
    assert r.get_json()["useful"] == 1
    # the database itself refuses a second vote by the same member
    db.session.execute(
        sa.text("INSERT INTO forum_votes (post_id, user_id, created_at) VALUES (:p, :u, :t)"),
        {"p": pid, "u": world.bob.id, "t": "2026-01-01 00:00:00"},
    )
    db.session.commit()
    try:
        with db.session.begin_nested():
            db.session.execute(
                sa.text(
                    "INSERT INTO forum_votes (post_id, user_id, created_at) VALUES (:p, :u, :t)"
                ),
                {"p": pid, "u": world.bob.id, "t": "2026-01-02 00:00:00"},
            )
        raise AssertionError("a second vote was stored")
    except sa.exc.IntegrityError:
        pass
    db.session.rollback()


def test_edits_are_marked_and_kept_for_moderators(forum, world, client):
    topic = forum.topic(world.alice, body="First version")
    pid = topic["posts"][0]["id"]
    r = client.patch(
        f"/api/v1/posts/{pid}", json={"body": "Second version"}, headers=world.h(world.bob)
    )
    assert r.status_code == 403
    r = client.patch(
        f"/api/v1/posts/{pid}", json={"body": "Second version"}, headers=world.h(world.alice)
    )
    assert r.status_code == 200 and r.get_json()["edited_at"]
    assert "Second version" in forum.get(world.bob, topic["id"])["posts"][0]["body_html"]
    r = client.get(f"/api/v1/posts/{pid}/revisions", headers=world.h(world.bob))
    assert r.status_code == 403
    r = client.get(f"/api/v1/posts/{pid}/revisions", headers=world.h(world.facilitator))
    assert [rev["body"] for rev in r.get_json()["revisions"]] == ["First version"]


def test_soft_deletion(forum, world, client, db):
    topic = forum.topic(world.alice)
    reply = forum.reply(world.bob, topic["id"], body="Oops")
    assert (
        client.delete(f"/api/v1/posts/{reply['id']}", headers=world.h(world.carol)).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/posts/{reply['id']}", headers=world.h(world.bob)).status_code == 200
    )
    got = forum.get(world.alice, topic["id"])
    assert [p["id"] for p in got["posts"]] == [topic["posts"][0]["id"]] and got["replies"] == 0
    assert _count(db, "forum_posts") == 2  # still in the database


def test_outsiders_get_404_everywhere(forum, world, client):
    topic = forum.topic(world.alice)
    tid, pid = topic["id"], topic["posts"][0]["id"]
    h = world.h(world.outsider)
    prog = world.program.id
    calls = [
        ("get", f"/api/v1/programs/{prog}/forum/topics", None),
        ("post", f"/api/v1/programs/{prog}/forum/topics", {"title": "x", "body": "y"}),
        ("get", f"/api/v1/topics/{tid}", None),
        ("post", f"/api/v1/topics/{tid}/posts", {"body": "y"}),
        ("post", f"/api/v1/posts/{pid}/accept", None),
        ("post", f"/api/v1/posts/{pid}/flag", {"reason": "x"}),
        ("post", f"/api/v1/posts/{pid}/hide", {"reason": "x"}),
        ("post", f"/api/v1/posts/{pid}/useful", None),
        ("get", f"/api/v1/programs/{prog}/search?q=topic", None),
        ("get", f"/api/v1/programs/{prog}/participation", None),
    ]
    for method, url, body in calls:
        r = getattr(client, method)(url, json=body, headers=h)
        assert r.status_code == 404, (method, url, r.status_code)


def test_staff_cannot_post_anonymously_and_categories_are_the_facilitators(forum, world, client):
    answer = forum.topic(world.expert, expect=422, anonymous=True)
    assert answer["error"]["code"] == "anonymous_not_allowed"
    bad = forum.topic(world.alice, expect=422, category_id=999)
    assert bad["error"]["code"] == "unknown_category"
