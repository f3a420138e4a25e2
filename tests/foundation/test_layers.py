"""workers/ is plumbing: it never imports a feature, so no import cycle runs through it.

Features import ``workers`` (``@job``, queues); ``workers`` reaches the app factory and the
features' jobs modules only by name (:func:`importlib.import_module` on a string it was
given, never on a literal naming a feature).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKERS = ROOT / "workers"
FEATURE_PACKAGES = ("training", "recordings")


def imported_modules(source: str, package: str = "workers") -> list[tuple[int, str]]:
    """Each module an ``import`` or ``from … import`` names anywhere in ``source`` (inside
    functions too), and each literal passed to ``importlib.import_module``/``__import__``,
    with its line. Relative imports resolve against ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{module}" if module else base
            found.append((node.lineno, module))
        elif (
            isinstance(node, ast.Call)
            and _names_a_dynamic_import(node.func)
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def _names_a_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def is_feature(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in FEATURE_PACKAGES)


def workers_files() -> list[Path]:
    return sorted(WORKERS.rglob("*.py"))


def _package_of(path: Path) -> str:
    return ".".join(path.parent.relative_to(ROOT).parts)


def test_the_check_sees_imports_inside_functions_and_literal_import_module():
    source = (
        "import os\n"
        "import importlib\n"
        "from . import queues\n"
        "def f(name):\n"
        "    from training.extensions import db\n"
        "    import recordings.jobs\n"
        "    importlib.import_module('training.mail.jobs')\n"
        "    importlib.import_module(name)\n"
    )
    modules = [m for _, m in imported_modules(source)]
    assert modules == [
        "os",
        "importlib",
        "workers",
        "training.extensions",
        "recordings.jobs",
        "training.mail.jobs",
    ]
    assert [m for m in modules if is_feature(m)] == modules[3:]


def test_workers_never_import_a_feature():
    files = workers_files()
    assert WORKERS / "jobs.py" in files and WORKERS / "cron.py" in files
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path.read_text(), _package_of(path))
        if is_feature(module)
    ]
    assert offending == []


def _run(script: str, **env) -> str:
    """Run ``script`` in a fresh interpreter on this checkout; the last line it printed."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]  # the last line: rq may log to stdout before


def test_importing_workers_loads_no_feature_module():
    """Every workers module but cron (whose work is to load the features' jobs by name)
    imports without a single feature module, nor the app, ending up in ``sys.modules``."""
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in workers_files()
        if path.name != "cron.py"
    ]
    loaded = _run(
        f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        packages = {FEATURE_PACKAGES!r}
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in packages)))
        """
    )
    assert json.loads(loaded) == []


def test_cron_registers_the_periodic_jobs_the_features_declare():
    """What ``rq cron --path . workers.cron`` loads: rq's own loader, a fresh process, the
    queue prefix from the environment; the same sweeps, queues and intervals as before."""
    registered = _run(
        """
        import json
        from redis import Redis
        from rq.cron import CronScheduler

        cron = CronScheduler(connection=Redis())
        cron.load_config_from_file("workers.cron")
        jobs = [
            [j.func_name, j.queue_name, j.interval, j.job_options.get("job_timeout")]
            for j in cron.get_jobs()
        ]
        print(json.dumps(sorted(jobs)))
        """,
        RQ_QUEUE_PREFIX="copa-crontest",
    )
    assert json.loads(registered) == [
        ["recordings.jobs.requeue_stalled_recordings", "copa-crontest-media", 60, 300],
        ["training.coaching.jobs.sweep_booking_mail", "copa-crontest-default", 300, 300],
        ["training.forum.jobs.send_forum_digests", "copa-crontest-mail", 900, 900],
        ["training.google.jobs.sweep", "copa-crontest-default", 900, 300],
        ["training.mail.jobs.requeue_stale_messages", "copa-crontest-mail", 60, 300],
        ["training.sessions.jobs.send_due_reminders", "copa-crontest-default", 60, 120],
    ]


def test_jobs_are_enqueued_by_name_and_only_declared_ones():
    import pytest

    from recordings.jobs import process_recording
    from workers.jobs import declared

    assert declared("recordings.jobs.process_recording") is process_recording
    with pytest.raises(TypeError):
        declared("recordings.operations.mark_failed")  # a function, not a job
