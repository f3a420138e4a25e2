"""The plumbing to run RQ jobs: Redis connection, queues, app context, ``@job``, the worker
and cron. The jobs themselves live in their feature (``<feature>/jobs.py``)."""

from workers.context import app_context

__all__ = ["app_context"]
