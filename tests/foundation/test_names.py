"""A person's name is one line without control characters, however it is saved (issue 11)."""

from __future__ import annotations

import pytest

BAD_NAMES = [
    "Eve\r\nX-EVIL: 1",
    "Eve\nSmith",
    "Eve\x00",
    "Eve\tSmith",
    "Eve\x85Smith",
    "Eve\u2028Smith",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_clean_name_refuses_control_characters(name):
    from training.accounts.operations import AccountError, clean_name

    with pytest.raises(AccountError) as info:
        clean_name(name)
    assert info.value.code == "invalid_name"


def test_clean_name_keeps_ordinary_names():
    from training.accounts.operations import clean_name

    assert clean_name("  Amélie D'Astous-Noël  ") == "Amélie D'Astous-Noël"


def test_preferences_refuse_a_name_with_a_line_break(client, db, make_user, login):
    from training.accounts.models import User

    user = make_user(name="Eve Tremblay")
    login(client, user)
    form = {"name": "Eve\r\nX-EVIL: 1", "locale": "en", "timezone": "America/Toronto"}
    r = client.post("/preferences", data=form)
    assert r.status_code == 200
    assert "line breaks" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Eve Tremblay"
    ok = client.post("/preferences", data={**form, "name": "Eve T."})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Eve T."


def test_create_user_cli_refuses_a_name_with_a_line_break(app, db):
    from training.accounts.models import User

    result = app.test_cli_runner().invoke(
        args=["create-user", "crlf@example.org", "--name", "Eve\r\nX"]
    )
    assert result.exit_code != 0
    assert "line breaks" in result.output
    assert db.session.scalar(db.select(User).where(User.email == "crlf@example.org")) is None
