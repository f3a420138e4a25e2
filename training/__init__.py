"""Copa's web application: programs, members, training sessions, coaching, calendars and API."""

from training.app import create_app

__all__ = ["create_app"]
