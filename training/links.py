"""Absolute links are built on ``BASE_URL``, never on the request's Host header.

A link that leaves the request (an e-mail, an invite, a feed, an API answer a client stores)
must point at Copa's public address: a forged ``Host`` would otherwise put an attacker's
domain in a password-reset e-mail or a tus upload URL. Outside a request (a command, a job
run without one), the path is built as if on ``BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"  # url_for's path already holds any prefix
    if has_request_context():
        return origin + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base):
        return origin + url_for(endpoint, **values)
