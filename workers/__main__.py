"""``python -m workers [--queues mail,default] [--burst] [--no-scheduler]``: an RQ worker on
Copa's queues, with the app built once before jobs fork (see :mod:`workers.worker`).

``make run`` starts two: one for ``mail,default`` (invites and e-mail, quick) and one for
``media`` (transcoding, long), so a two-hour recording never holds an invitation back.
"""

from __future__ import annotations

import argparse

from workers.worker import DEFAULT_QUEUES, build_worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument(
        "--queues",
        default=",".join(DEFAULT_QUEUES),
        help="comma-separated, in priority order (default: %(default)s)",
    )
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument(
        "--no-scheduler", action="store_true", help="do not run RQ's scheduler in this worker"
    )
    parser.add_argument("--name", default=None, help="worker name (default: RQ's)")
    parser.add_argument(
        "--fork",
        choices=["auto", "yes", "no"],
        default="auto",
        help="run each job in a forked process (auto: only when serving media)",
    )
    args = parser.parse_args(argv)
    names = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = sorted(set(names) - set(DEFAULT_QUEUES))
    if not names or unknown:
        parser.error(f"unknown queue(s): {', '.join(unknown) or '(none)'}")
    fork = args.fork == "yes" or (args.fork == "auto" and "media" in names)
    worker = build_worker(names, name=args.name, fork=fork)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler, logging_level="INFO")


if __name__ == "__main__":
    main()
