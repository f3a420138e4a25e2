"""The secret key file: made once, atomically, never empty."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from training import config


def test_concurrent_first_starts_agree_on_one_non_empty_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _: config._secret_key(tmp_path), range(64)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left behind
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_empty_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(RuntimeError, match="empty"):
        config._secret_key(tmp_path)
