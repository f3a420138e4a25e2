"""Browser libraries from npm, copied into a build folder and served as static files.

``package.json`` names the libraries; ``npm ci`` (run by the bootstrap) installs them into
``node_modules/``; ``python -m training.assets`` copies the files pages use into
``training/static/build/`` (ignored by git, never committed, never fetched from a CDN: users
may be offline or behind a proxy). Templates call ``asset_url("bootstrap.min.css")``: the URL
carries a fingerprint of the file, so browsers may cache it for a year.

Copa's own CSS (``static/copa.css``) sits on top of Bootstrap and only sets the house colours
and the few components Bootstrap lacks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys

from flask import Flask, url_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_MODULES = os.path.join(ROOT, "node_modules")
BUILD = os.path.join(ROOT, "training", "static", "build")

# Served name -> path inside node_modules.
ASSETS = {
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "fonts/bootstrap-icons.woff2": "bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "fonts/bootstrap-icons.woff": "bootstrap-icons/font/fonts/bootstrap-icons.woff",
    "fullcalendar.min.js": "fullcalendar/index.global.min.js",
    "fullcalendar-fr-ca.min.js": "@fullcalendar/core/locales/fr-ca.global.min.js",
    "fullcalendar-luxon3.min.js": "@fullcalendar/luxon3/index.global.min.js",
    "luxon.min.js": "luxon/build/global/luxon.min.js",
    "hls.min.js": "hls.js/dist/hls.min.js",
    "plyr.min.js": "plyr/dist/plyr.min.js",
    "plyr.css": "plyr/dist/plyr.css",
    "plyr.svg": "plyr/dist/plyr.svg",
    "tus.min.js": "tus-js-client/dist/tus.min.js",
    "cally.js": "cally/dist/cally.js",
}


def build(target: str = BUILD) -> list[str]:
    """Copy every asset into ``target``; returns the names copied. Fails loudly when npm
    has not installed one (run ``npm ci``)."""
    missing = [
        src for src in ASSETS.values() if not os.path.isfile(os.path.join(NODE_MODULES, src))
    ]
    if missing:
        raise FileNotFoundError(
            "npm packages are missing (run `npm ci` or `make bootstrap`): " + ", ".join(missing)
        )
    for name, src in ASSETS.items():
        dest = os.path.join(target, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(NODE_MODULES, src), dest)
    return list(ASSETS)


_fingerprints: dict[str, str] = {}


def fingerprint(name: str) -> str:
    if name not in _fingerprints:
        try:
            with open(os.path.join(BUILD, name), "rb") as f:
                _fingerprints[name] = hashlib.sha256(f.read()).hexdigest()[:10]
        except FileNotFoundError:
            return "missing"
    return _fingerprints[name]


def asset_url(name: str) -> str:
    """The URL of a built asset (``name`` is a key of ``ASSETS``)."""
    if name not in ASSETS:
        raise KeyError(f"unknown asset {name!r}: add it to training.assets.ASSETS")
    return url_for("static", filename=f"build/{name}", v=fingerprint(name))


def init_app(app: Flask) -> None:
    app.add_template_global(asset_url)
    if not os.path.isfile(os.path.join(BUILD, "bootstrap.min.css")):
        app.logger.warning("browser assets are not built: run `make bootstrap`")


if __name__ == "__main__":
    names = build()
    print(f"assets: {len(names)} files in {os.path.relpath(BUILD, ROOT)}", file=sys.stderr)
