"""Page budgets (issue 12): server time per page and the CSS + JS each page loads, gzipped.

Runs the demo (training.seed, 40 participants) under the gunicorn of `make run` on a fresh
SQLite database, signs in as each role, and requests each of its pages 20 times after one warm-up.
Budgets: server p95 under 150 ms; CSS and JS under 300 KB gzipped (the replay page excepted).
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from tour import PASSWORD, ROLES, demo_server, first_session_id, pages_for  # noqa: E402

RUNS = 20
P95_BUDGET_MS = 150
ASSET_BUDGET_KB = 300
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="([^"]+)"')


def sign_in(base: str, email: str) -> requests.Session:
    s = requests.Session()
    html = s.get(base + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    r = s.post(base + "/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    r.raise_for_status()
    return s


def asset_kb(s: requests.Session, base: str, html: str, cache: dict) -> float:
    total = 0
    for src in set(ASSET.findall(html)):
        if src not in cache:
            cache[src] = len(gzip.compress(s.get(base + src).content))
        total += cache[src]
    return total / 1024


def main() -> int:
    rows, over = [], []
    with demo_server() as demo:
        cache: dict = {}
        for role, email in ROLES.items():
            s = sign_in(demo.url, email)
            if demo.session_id is None:
                demo.session_id = first_session_id(s.get(f"{demo.url}/programs/1/sessions").text)
            for name, path in pages_for(role, demo.pid, demo.session_id):
                first = s.get(demo.url + path)
                first.raise_for_status()
                times = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    s.get(demo.url + path).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                p95 = statistics.quantiles(times, n=20)[18]
                kb = asset_kb(s, demo.url, first.text, cache)
                rows.append((role, name, statistics.median(times), p95, kb))
                if p95 > P95_BUDGET_MS or kb > ASSET_BUDGET_KB:
                    over.append(f"{role} {name}")
    print(
        f"{'role':<12} {'page':<12} {'p50 ms':>8} {'p95 ms':>8} {'budget':>7} {'CSS+JS KB gz':>13}"
    )
    for role, name, p50, p95, kb in rows:
        print(f"{role:<12} {name:<12} {p50:8.1f} {p95:8.1f} {P95_BUDGET_MS:7d} {kb:13.1f}")
    print(f"budget: p95 < {P95_BUDGET_MS} ms, CSS+JS < {ASSET_BUDGET_KB} KB gzipped")
    print("over budget: " + (", ".join(over) if over else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
