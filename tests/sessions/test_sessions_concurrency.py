"""The embedded default holds 50 concurrent writers over real HTTP (issue 11, item 3)."""

from __future__ import annotations

import threading

import requests


def test_fifty_concurrent_rsvps_over_http_all_succeed(
    live_server, cast, make_member, auth_headers, create_session
):
    sid = create_session()["id"]
    members = [make_member(cast.program, "participant").user for _ in range(50)]
    headers = [auth_headers(user) for user in members]
    barrier = threading.Barrier(len(members))
    statuses: list[int] = []

    def answer(i: int) -> None:
        session = requests.Session()
        barrier.wait()
        for response in ("yes", "no", "maybe"):
            r = session.put(
                f"{live_server.url}/api/v1/sessions/{sid}/rsvp",
                json={"response": response},
                headers=headers[i],
                timeout=60,
            )
            statuses.append(r.status_code)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(len(members))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert len(statuses) == 150
    assert sorted(set(statuses)) == [200], statuses
