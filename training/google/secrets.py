"""Keep Google secrets out of logs, pages and error messages; store them encrypted.

Credentials (a service-account key or an OAuth refresh token) are only ever needed by the
client layer.  Everything that is shown or logged goes through :func:`redact` or
:func:`redact_text` first.  At rest they are encrypted with a key derived from the app's
SECRET_KEY (Fernet from ``cryptography``, which google-auth already depends on).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

MASK = "[redacted]"

#: Keys whose values are secret wherever they appear (service-account JSON, OAuth user info,
#: token responses).
SECRET_KEYS = frozenset(
    {
        "private_key",
        "private_key_id",
        "client_secret",
        "refresh_token",
        "access_token",
        "id_token",
        "token",
        "assertion",
        "password",
        "secret",
    }
)

_PEM = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
)
_KEY_NAMES = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
_JSON_SECRET = re.compile(
    r"""(?P<key>["']?(?:""" + _KEY_NAMES + r""")["']?\s*[:=]\s*)"""
    r"""(?P<q>["']?)(?P<value>(?:\\.|[^"'\s,&}\\])+)(?P=q)""",
    re.I,
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
_GOOGLE_TOKEN = re.compile(r"\bya29\.[A-Za-z0-9._-]+|\b1//[A-Za-z0-9._-]{10,}")


def redact(value: Any) -> Any:
    """Return a copy of ``value`` (dicts, lists, strings) with every secret masked."""
    if isinstance(value, dict):
        return {
            k: (MASK if str(k).lower() in SECRET_KEYS and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """Mask PEM private keys, ``"secret_key": "value"`` pairs, bearer and Google tokens."""
    if not text:
        return text
    text = _PEM.sub(MASK, text)
    text = _JSON_SECRET.sub(lambda m: f"{m['key']}{m['q']}{MASK}{m['q']}", text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _GOOGLE_TOKEN.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Logging filter that masks secrets in the rendered message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: leave it to logging
            return True
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction() -> None:
    """Attach :class:`RedactingFilter` to every logger that may see Google traffic.

    Logger filters do not apply to records propagated from child loggers, so the filter goes
    on each existing logger under these prefixes (call it once all modules are imported).
    """
    prefixes = ("training.google", "googleapiclient", "google.auth")
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name == p or name.startswith(p + ".") for p in prefixes)
    ]
    for name in set(names) | set(prefixes):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def _fernet(secret_key: str | bytes) -> Fernet:
    if not secret_key:
        raise ValueError("SECRET_KEY is required to store Google credentials")
    if isinstance(secret_key, str):
        secret_key = secret_key.encode()
    digest = hashlib.sha256(b"copa.google.credentials\0" + secret_key).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_json(data: dict, secret_key: str | bytes) -> str:
    """Serialise ``data`` and encrypt it; the result is safe to store in the database."""
    return _fernet(secret_key).encrypt(json.dumps(data).encode()).decode()


def decrypt_json(token: str, secret_key: str | bytes) -> dict:
    """Inverse of :func:`encrypt_json`; ValueError when the key changed or data is corrupt."""
    try:
        return json.loads(_fernet(secret_key).decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise ValueError("stored Google credentials cannot be decrypted") from exc
