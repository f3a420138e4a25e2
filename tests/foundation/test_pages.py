"""Program pages and service endpoints."""

import re


def test_member_list_is_grouped_by_company_and_private(
    client, make_program, make_member, make_user, login
):
    program = make_program(title="CoPA A", locale="en")
    make_member(program, "participant", company="Nordik Web", name="Ana")
    make_member(program, "participant", company="Nordik Web", name="Bo")
    make_member(program, "participant", company="Beauce Code", name="Cy")
    me = make_member(program, "participant", company="Beauce Code", name="Di").user
    login(client, me)
    page = client.get(f"/programs/{program.id}/members").get_data(as_text=True)
    assert page.index("Beauce Code") < page.index("Nordik Web")
    assert page.index("Ana") > page.index("Nordik Web")
    assert "Add a member" not in page  # participants don't manage members

    outsider = make_user()
    client.post("/logout")
    login(client, outsider)
    r = client.get(f"/programs/{program.id}/members")
    assert r.status_code == 404
    assert "Nordik" not in r.get_data(as_text=True)


def test_facilitator_adds_a_member_from_the_page(client, db, make_program, make_member, login):
    from training.programs.models import Membership

    program = make_program(locale="en")
    login(client, make_member(program, "facilitator").user)
    r = client.post(
        f"/programs/{program.id}/members",
        data={"name": "Zoé", "email": "zoe@example.org", "role": "expert", "company": ""},
    )
    assert r.status_code == 302
    roles = db.session.scalars(
        db.select(Membership.role).where(Membership.program_id == program.id)
    ).all()
    assert sorted(roles) == ["expert", "facilitator"]
    dup = client.post(
        f"/programs/{program.id}/members",
        data={"name": "Zoé", "email": "zoe@example.org", "role": "expert", "company": ""},
    )
    assert dup.status_code == 409
    assert "already" in dup.get_data(as_text=True)


def test_pages_need_login(client, make_program):
    program = make_program()
    r = client.get(f"/programs/{program.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_unknown_page_is_an_html_404(client, make_user, login):
    login(client, make_user())
    r = client.get("/programs/999999")
    assert r.status_code == 404
    assert r.content_type.startswith("text/html")


def test_healthz_reports_database_and_redis(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]


def test_healthz_says_when_redis_is_down(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["checks"]["redis"]["ok"] is False


def test_cli_create_user_prints_token_last(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-user", "cli@example.org", "--name", "Cli", "--admin"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["is_admin"] is True
    again = app.test_cli_runner().invoke(args=["create-user", "cli@example.org", "--name", "X"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_seed_demo_creates_the_network(app, db):
    from training.accounts.models import Company
    from training.programs.models import Membership

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "animatrice@copa.example" in result.output
    roles = db.session.scalars(db.select(Membership.role)).all()
    assert roles.count("participant") == 40
    assert roles.count("facilitator") == 1 and roles.count("expert") == 1
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 30
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "not seeded again" in again.output


def test_time_zone_is_chosen_from_a_list(client, db, make_user, login):
    from training.accounts.models import User

    user = make_user(name="Eve", timezone="America/Toronto", locale="fr_CA")
    uid = user.id
    login(client, user)
    html = client.get("/preferences").get_data(as_text=True)
    assert re.search(r'<select [^>]*id="timezone" name="timezone"', html)
    assert '<option selected value="America/Toronto">Toronto — America/Toronto</option>' in html
    assert "<optgroup" in html and "Europe/Paris" in html

    form = {"name": "Eve", "locale": "fr_CA"}
    bad = client.post("/preferences", data={**form, "timezone": "Mars/Olympus_Mons"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Mars/Olympus_Mons" not in html
    # the error sits beside its field, and the field says so to a screen reader
    assert 'aria-invalid="true"' in html and 'aria-describedby="timezone-error"' in html
    assert 'id="timezone-error"' in html
    assert db.session.get(User, uid).timezone == "America/Toronto"  # nothing saved
    ok = client.post("/preferences", data={**form, "timezone": "Europe/Paris"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, uid).timezone == "Europe/Paris"


def test_every_page_has_a_skip_link_and_a_favicon(client, make_user, login):
    login(client, make_user(locale="fr_CA"))
    html = client.get("/preferences").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">Aller au contenu</a>' in html
    assert '<main id="main"' in html
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def test_the_login_page_follows_the_browser_then_the_fr_ca_default(app, client, monkeypatch):
    from training.config import from_environment

    monkeypatch.delenv("DEFAULT_LOCALE", raising=False)
    assert from_environment()["DEFAULT_LOCALE"] == "fr_CA"  # what Copa ships with
    monkeypatch.setitem(app.config, "DEFAULT_LOCALE", "fr_CA")
    # no Accept-Language at all, or only a language Copa does not speak: French (Québec)
    assert 'lang="fr-CA"' in client.get("/login").get_data(as_text=True)
    german = client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert 'lang="fr-CA"' in german and "Se connecter" in german
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert 'lang="en"' in english.get_data(as_text=True)
