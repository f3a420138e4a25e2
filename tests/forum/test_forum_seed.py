"""The demo forum: seeded through the operations, so what a visitor of the demo sees follows
the same rules as real use (an anonymous author stays hidden from peers)."""

from __future__ import annotations


def test_demo_forum_has_topics_and_keeps_the_anonymous_author_hidden(app, db, login):
    from training.accounts.models import User
    from training.forum.models import ForumTopic

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    topics = db.session.scalars(db.select(ForumTopic)).all()
    assert len(topics) == 5 and sum(t.pinned for t in topics) == 1
    asked = next(t for t in topics if t.anonymous)
    author = db.session.get(User, asked.author_id)
    peer = db.session.scalar(db.select(User).where(User.email == "participant10@copa.example"))
    c = login(app.test_client(), peer)
    html = c.get(f"/topics/{asked.id}").get_data(as_text=True)
    assert "Contre-offre" in html and "Un·e participant·e" in html
    assert author.name not in html
    home = c.get(f"/programs/{asked.program_id}/forum").get_data(as_text=True)
    assert "Gabarit d’entretien annuel" in home and author.name not in home
    assert "Notre budget d’augmentation" not in home  # another company's private question
    expert = db.session.scalar(db.select(User).where(User.email == "expert@copa.example"))
    staff = login(app.test_client(), expert).get(f"/topics/{asked.id}").get_data(as_text=True)
    assert author.name in staff
