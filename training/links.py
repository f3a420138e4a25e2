"""Absolute links are built on ``BASE_URL``, never on the request's Host header.

A link that leaves the request (an e-mail, an invite, a feed, an API answer a client stores)
must point at Copa's public address: a forged ``Host`` would otherwise put an attacker's
domain in a password-reset e-mail or a tus upload URL.
"""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
