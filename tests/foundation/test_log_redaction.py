"""Secrets never reach the logs (issue 11, item 9): gunicorn's access log, as `make run`
starts it, redacts feed tokens, set-password links, signed media URLs and ``token=``; a failed
statement's SQL parameters (a coaching note, a name) are not in its error text."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import free_port
from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from supervise import web_options  # noqa: E402

SECRETS = {
    "/calendar/{}.ics": "feedsecret7Qx",
    "/calendar/{}/programs/3.ics": "feedsecret8Rz",
    "/set-password/{}?reset=1": "linksecret9Kp",
    "/recordings/4/m/{}/master.m3u8": "mediasecret2Lm",
    "/api/v1/me?token={}": "querysecret5Wn",
}


def test_gunicorn_access_log_redacts_tokens(_app, database_url, tmp_path):
    port = str(free_port())
    log = tmp_path / "access.log"
    env = process_env(_app, tmp_path / "instance")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *web_options(env, port),
            "--access-logfile",
            str(log),
            "training:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.RequestException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode()) from None
                time.sleep(0.2)
        for path, secret in SECRETS.items():
            requests.get(url + path.format(secret), timeout=10)
        # the referer is logged too
        requests.get(f"{url}/healthz", headers={"Referer": f"{url}/set-password/refsecret3Jd"})
        deadline = time.monotonic() + 10
        while log.read_text().count("\n") < len(SECRETS) + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        proc.stderr.close()

    text = log.read_text()
    assert text.count("\n") >= len(SECRETS) + 2, text  # every request was logged
    for secret in [*SECRETS.values(), "refsecret3Jd"]:
        assert secret not in text
    assert text.count("[redacted]") >= len(SECRETS) + 1
    assert "/set-password/[redacted]" in text and "/calendar/[redacted].ics" in text


def test_failed_statement_does_not_carry_its_parameters(db, make_user):
    from training.accounts.models import User

    taken = make_user(email="taken@example.org")
    with pytest.raises(sa.exc.IntegrityError) as failure:
        db.session.execute(
            sa.insert(User).values(email=taken.email, name="Confidential Salary Note 91k")
        )
    db.session.rollback()
    assert "Confidential Salary Note" not in str(failure.value)
    # (PostgreSQL's own DETAIL line names the duplicate key itself: that is the server's text)
    assert "hidden due to hide_parameters" in str(failure.value)
