"""End to end in Debian's chromium: a new participant accepts the invitation."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_new_participant_sets_password_and_sees_program(app, db, page, make_program, make_member):
    from training.mail.models import OutboxMessage
    from training.programs.operations import add_member

    program = make_program(title="CoPA Rémunération 2027", locale="fr_CA")
    facilitator = make_member(program, "facilitator").user
    add_member(
        program,
        email="julie@example.org",
        name="Julie Côté",
        role="participant",
        company="Gaspésie Numérique",
        inviter=facilitator,
    )
    db.session.commit()
    body = db.session.scalars(db.select(OutboxMessage.text_body)).one()
    link = re.search(r"http://\S+/set-password/\S+", body).group(0)

    page.goto(link)
    assert "julie@example.org" in page.content()
    page.get_by_label("Nouveau mot de passe").fill("mon-mot-de-passe-2027")
    page.get_by_label("Répétez le mot de passe").fill("mon-mot-de-passe-2027")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url(re.compile(rf"/programs/{program.id}$"))
    assert page.get_by_role("heading", name="CoPA Rémunération 2027").is_visible()
    assert page.get_by_role("link", name="Membres").is_visible()

    page.get_by_role("link", name="Membres").click()
    assert page.get_by_role("heading", name="Gaspésie Numérique").is_visible()

    page.goto(link)  # the same link, reused
    assert page.get_by_role("heading", name="Ce lien ne fonctionne plus").is_visible()
