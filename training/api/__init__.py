"""The JSON API under /api/v1: blueprint, error body, request parsing."""

from training.api.core import ApiError, api, parse_json, parse_query

__all__ = ["ApiError", "api", "parse_json", "parse_query"]
