"""``python -m workers``: an RQ worker (with the scheduler) on Copa's queues."""

from __future__ import annotations

import os
import sys


def main() -> None:
    prefix = os.environ.get("RQ_QUEUE_PREFIX", "copa")
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    queues = [f"{prefix}-{name}" for name in ("mail", "default", "media")]
    args = ["rq", "worker", "--with-scheduler", "--url", url, *sys.argv[1:], *queues]
    os.execvp(os.path.join(os.path.dirname(sys.executable), "rq"), args)


if __name__ == "__main__":
    main()
