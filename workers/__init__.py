"""RQ jobs and the plumbing to run them: Redis connection, queues, app context."""

from workers.context import app_context

__all__ = ["app_context"]
