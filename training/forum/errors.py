"""The forum's one error type (a DomainError: the shared handlers answer it as 4xx)."""

from training.errors import DomainError


class ForumError(DomainError):
    """A forum rule refused the action."""
