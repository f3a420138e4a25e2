import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from training.accounts.operations import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])


class PreferencesForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("fr_CA", "Français"), SelectChoice("en", "English")]
    )
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()], choices=[])

    def __init__(self, *args, locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(locale)


# Where a CoPA's members usually are, first; then every zone, by name.
COMMON_ZONES = (
    "America/Toronto",
    "America/Halifax",
    "America/Moncton",
    "America/St_Johns",
    "America/Winnipeg",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
    "Europe/Paris",
    "Europe/Brussels",
    "UTC",
)


def _label(zone: str, locale: str) -> str:
    from babel.dates import get_timezone_location

    try:
        place = get_timezone_location(zone, locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone
    return f"{place} — {zone}" if place and place != zone else zone


@functools.cache  # the same for every request in a language: built once per process
def timezone_choices(locale: str) -> dict[str, list[tuple[str, str]]]:
    """Zones as <optgroup>s: the common ones, then all of them (IANA names, with the city
    in the reader's language)."""
    from zoneinfo import available_timezones

    every = sorted(
        z
        for z in available_timezones()
        if "/" in z and not z.startswith("Etc/") and z not in COMMON_ZONES
    )
    return {
        str(_l("Common")): [(z, _label(z, locale)) for z in COMMON_ZONES],
        str(_l("All time zones")): [(z, z) for z in every],
    }
