"""``flask create-user`` run as an operator runs it (a process of its own, no request)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flask_cli(_app, database_url, tmp_path):
    env = process_env(_app, tmp_path)

    def run(*args):
        return subprocess.run(
            [str(Path(sys.executable).with_name("flask")), "--app", "training", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    return run


def test_refused_address_is_a_one_line_error(flask_cli, db):
    from training.accounts.models import User

    for address in ("not-an-address", "ana@localhost"):
        done = flask_cli("create-user", address, "--name", "Ana")
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines() == [
            f"Error: “{address}” is not a valid e-mail address."
        ]
    assert db.session.scalars(db.select(User)).all() == []


def test_create_user_prints_a_working_token(flask_cli, client, db):
    done = flask_cli("create-user", "ana@example.org", "--name", "Ana Tremblay")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["name"] == "Ana Tremblay"

    again = flask_cli("create-user", "ana@example.org", "--name", "Ana")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "already exists" in again.stderr
