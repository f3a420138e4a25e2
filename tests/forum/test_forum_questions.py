"""Questions for the experts: public ones in the queue until answered, private ones visible to
the asker and the staff only, the accepted answer."""

from __future__ import annotations

import re


def test_public_question_queue_and_accepted_answer(forum, world, client):
    q = forum.topic(world.alice, title="VAT on exports?", body="How?", question="experts")
    tid = q["id"]
    assert q["question"] == "experts"
    forum.get(world.bob, tid)  # public: every member reads it
    peer = forum.reply(world.bob, tid, body="I think zero-rated")
    # a participant may not accept; the question itself is not an answer
    forum.post(world.alice, f"/api/v1/posts/{peer['id']}/accept", expect=403)
    first = q["posts"][0]["id"]
    assert (
        forum.post(world.expert, f"/api/v1/posts/{first}/accept", expect=409)["error"]["code"]
        == "not_an_answer"
    )
    answer = forum.reply(world.expert, tid, body="Zero-rated, with proof of export.")
    forum.post(world.expert, f"/api/v1/posts/{peer['id']}/accept")
    forum.post(world.facilitator, f"/api/v1/posts/{answer['id']}/accept")
    posts = forum.get(world.carol, tid)["posts"]
    assert [p["accepted"] for p in posts] == [False, False, True]  # one accepted answer


def test_accept_needs_a_question(forum, world):
    topic = forum.topic(world.alice)
    reply = forum.reply(world.bob, topic["id"])
    r = forum.post(world.expert, f"/api/v1/posts/{reply['id']}/accept", expect=409)
    assert r["error"]["code"] == "not_a_question"


def test_private_question_is_for_the_asker_and_the_staff(forum, world, client):
    q = forum.topic(
        world.alice, title="Our margins", body="Confidential figures", question="experts_private"
    )
    tid = q["id"]
    for user in (world.alice, world.expert, world.facilitator):
        assert forum.get(user, tid)["title"] == "Our margins"
    for user in (world.bob, world.outsider):
        forum.get(user, tid, expect=404)
        forum.reply(user, tid, expect=404)
        forum.post(user, f"/api/v1/posts/{q['posts'][0]['id']}/flag", expect=404, reason="x")
    listed = client.get(
        f"/api/v1/programs/{world.program.id}/forum/topics", headers=world.h(world.bob)
    ).get_json()["topics"]
    assert tid not in [t["id"] for t in listed]
    assert forum.search(world.bob, "confidential")["results"] == []
    assert [r["id"] for r in forum.search(world.expert, "confidential")["results"]] == [
        q["posts"][0]["id"]
    ]
    forum.reply(world.expert, tid, body="Let us talk")
    assert forum.get(world.alice, tid)["answered"] is True


def test_expert_queue_page_lists_unanswered_questions_with_age(forum, world, client, login):
    forum.topic(world.alice, title="Open question", question="experts")
    done = forum.topic(world.bob, title="Answered question", question="experts")
    forum.reply(world.expert, done["id"], body="Here")
    forum.topic(world.carol, title="Just chatting")
    login(client, world.expert)
    html = client.get(f"/programs/{world.program.id}/forum/questions").get_data(as_text=True)
    assert "Open question" in html
    assert "Answered question" not in html and "Just chatting" not in html
    assert re.search(r"asked \d+ seconds? ago", html)  # an age in the past, not "in 4 seconds"
    login(client, world.bob)
    assert client.get(f"/programs/{world.program.id}/forum/questions").status_code == 403
