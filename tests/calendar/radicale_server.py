"""A real Radicale CalDAV server for tests (session fixture ``radicale_server``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RadicaleServer:
    def __init__(self, url: str):
        self.url = url

    def new_path(self) -> str:
        """An unused collection URL (ends with /) under an existing principal collection."""
        parent = f"{self.url}/copa/"
        if requests.request("PROPFIND", parent, timeout=10).status_code == 404:
            assert requests.request("MKCOL", parent, timeout=10).status_code == 201
        return f"{parent}{uuid.uuid4().hex}/"

    def new_calendar(self) -> str:
        """MKCALENDAR a fresh collection; returns its URL (ends with /)."""
        url = self.new_path()
        response = requests.request("MKCALENDAR", url, timeout=10)
        assert response.status_code == 201, response.text
        return url


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory):
    storage = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--rights-type",
            "authenticated",
            "--storage-filesystem-folder",
            str(storage),
            "--logging-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(url + "/.web/", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.05)
    try:
        yield RadicaleServer(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
