"""Sign-in: invitation links, passwords, login/logout, CSRF, language."""

import re

import pytest


def _invite_link(db, email):
    from training.mail.models import OutboxMessage

    msg = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_email == email)).all()[
        -1
    ]
    return re.search(r"http://copa\.test(/set-password/\S+)", msg.text_body).group(1)


@pytest.fixture
def invited(db, make_program, make_member):
    from training.programs.operations import add_member

    program = make_program(title="CoPA Rémunération", locale="fr_CA")
    facilitator = make_member(program, "facilitator").user
    m = add_member(
        program,
        email="new@example.org",
        name="Nouvelle Personne",
        role="participant",
        company="Beauce Code",
        inviter=facilitator,
    )
    db.session.commit()
    return m


def test_invitation_link_sets_password_once_and_signs_in(client, db, invited):
    link = _invite_link(db, "new@example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert "new@example.org" in page.get_data(as_text=True)
    r = client.post(
        link, data={"password": "un-bon-mot-de-passe", "confirm": "un-bon-mot-de-passe"}
    )
    assert r.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert "CoPA Rémunération" in home.get_data(as_text=True)

    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(
        as_text=True
    ) or "déjà été utilisé" in again.get_data(as_text=True)


def test_invitation_mail_is_in_the_programs_language(db, invited):
    from training.mail.models import OutboxMessage

    msg = db.session.scalars(db.select(OutboxMessage)).one()
    assert "CoPA Rémunération" in msg.subject


def test_expired_and_tampered_links_are_refused(app, client, db, invited):
    link = _invite_link(db, "new@example.org")
    app.config["INVITATION_MAX_AGE_HOURS"] = -1
    r = client.get(link)
    assert r.status_code == 410
    app.config["INVITATION_MAX_AGE_HOURS"] = 168
    assert client.get(link[:-3] + "abc").status_code == 410


def test_short_or_mismatched_password_is_refused(client, db, invited):
    from training.accounts.models import User

    link = _invite_link(db, "new@example.org")
    r = client.post(link, data={"password": "short", "confirm": "short"})
    assert r.status_code == 400
    r = client.post(link, data={"password": "long-enough-1", "confirm": "long-enough-2"})
    assert r.status_code == 400
    user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert user.password_hash is None


def test_login_logout(client, make_user):
    make_user(email="ana@example.org", password="correct-horse-battery")
    bad = client.post("/login", data={"email": "ana@example.org", "password": "wrong-one!!"})
    assert bad.status_code == 401
    assert "Wrong e-mail or password" in bad.get_data(as_text=True)
    ok = client.post(
        "/login", data={"email": "ANA@example.org", "password": "correct-horse-battery"}
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_password_reset_mail_only_for_known_addresses(client, db, make_user):
    from training.mail.models import OutboxMessage

    make_user(email="known@example.org", password="something-long")
    client.post("/forgot-password", data={"email": "known@example.org"})
    client.post("/forgot-password", data={"email": "unknown@example.org"})
    sent = db.session.scalars(db.select(OutboxMessage.to_email)).all()
    assert sent == ["known@example.org"]
    link = _invite_link(db, "known@example.org")
    assert "reset=1" in link
    r = client.post(link, data={"password": "brand-new-password", "confirm": "brand-new-password"})
    assert r.status_code == 302


def test_forms_require_csrf_token(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="c@example.org", password="correct-horse-battery")
    r = app.test_client().post(
        "/login", data={"email": "c@example.org", "password": "correct-horse-battery"}
    )
    assert r.status_code == 400
    assert "CSRF" in r.get_data(as_text=True)


def test_user_can_switch_language(client, make_user, login):
    user = make_user(locale="en")
    login(client, user)
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post("/locale/fr_CA", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Se déconnecter" in page


def test_program_language_is_the_default_for_visitors(client, make_program, make_member, login):
    program = make_program(locale="fr_CA")
    user = make_member(program, "participant", locale=None).user
    login(client, user)
    page = client.get(f"/programs/{program.id}").get_data(as_text=True)
    assert "Membres" in page


def test_an_unknown_address_costs_one_hash_check_like_a_known_one(app, make_user):
    """Login time must not tell which addresses exist: an unknown address is checked once
    against a hash made with the same method and cost as real ones (not hashed and checked)."""
    from training.accounts import operations

    user = make_user(password="correct horse battery")
    assert operations.authenticate("nobody@example.org", "correct horse battery") is None
    dummy = operations._dummy_hash()
    assert dummy == operations._dummy_hash()  # made once, not per attempt
    assert dummy.split("$")[0] == user.password_hash.split("$")[0]  # same method and cost
    assert operations.authenticate(user.email, "correct horse battery") == user
