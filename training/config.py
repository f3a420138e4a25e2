"""Configuration from the environment (the names are in README.md, "Configuration")."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("COPA_INSTANCE_PATH", ROOT / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else instance/secret_key, created on first use.

    Created atomically (written to a private temporary file, then linked into place, which fails
    if another process won the race), so no process ever reads a half-written or empty key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, key_file)
        finally:
            os.unlink(tmp)
    key = key_file.read_text().strip()
    if not key:
        raise RuntimeError(f"{key_file} is empty: delete it (a new key is made) or set SECRET_KEY")
    return key


def normalise_database_url(url: str) -> str:
    """Accept ``postgresql://`` / ``postgres://`` as written and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


OPTIONAL_INTEGERS = (
    "GOOGLE_NUM_RETRIES",
    "GOOGLE_IMPORT_DELAY_MINUTES",
    "GOOGLE_DOWNLOAD_CHUNK_BYTES",
    "GOOGLE_CONFERENCE_POLLS",
    "FORUM_ATTACHMENT_MAX_BYTES",
)


def from_environment() -> dict:
    instance = instance_path()
    optional = {k: int(os.environ[k]) for k in OPTIONAL_INTEGERS if os.environ.get(k)}
    port = int(os.environ.get("PORT", "5000"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'copa.db'}"
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "RQ_QUEUE_PREFIX": os.environ.get("RQ_QUEUE_PREFIX", "copa"),
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(instance / "media")),
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Copa <no-reply@copa.localhost>"),
        "BASE_URL": os.environ.get("BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        "PORT": port,
        # How many reverse proxies in front of Copa append to X-Forwarded-For (0: none, the
        # TCP peer is the client). Only then is that header believed (training.throttle).
        "COPA_TRUSTED_PROXIES": int(os.environ.get("COPA_TRUSTED_PROXIES", "0")),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "America/Toronto"),
        "DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "fr_CA"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "training" / "translations"),
        "LANGUAGES": ["en", "fr_CA"],
        "INVITATION_MAX_AGE_HOURS": int(os.environ.get("INVITATION_MAX_AGE_HOURS", "168")),
        "PASSWORD_RESET_MAX_AGE_HOURS": 2,
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024**3))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        **optional,
    }
