"""Field types shared by API request models."""

from __future__ import annotations

from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, field_validator

from training.input_guard import out_of_range_int
from training.timeutil import is_valid_zone


class Strict(BaseModel):
    """Base for request bodies: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _int_in_range(cls, value):
        if out_of_range_int(value):
            raise ValueError(_("This number is out of range."))
        return value


def _zone(value: str) -> str:
    if not is_valid_zone(value):
        raise ValueError(_("Unknown time zone “%(tz)s”.", tz=value))
    return value


def _locale(value: str) -> str:
    normalised = value.replace("-", "_")
    if normalised.lower() in ("fr", "fr_ca"):
        return "fr_CA"
    if normalised.lower().startswith("en"):
        return "en"
    raise ValueError(_("Unsupported language “%(locale)s” (use fr-CA or en).", locale=value))


TimeZoneName = Annotated[str, AfterValidator(_zone)]
Locale = Annotated[str, AfterValidator(_locale)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=200)]
