from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional


class ConnectionForm(FlaskForm):
    # Never pre-filled: stored credentials are not shown back, blank keeps them.
    credentials_json = TextAreaField(
        _l("Service-account key or OAuth user credentials (JSON)"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 6, "autocomplete": "off", "spellcheck": "false"},
    )
    organizer_email = EmailField(
        _l("Organizer (the Google Workspace account that owns the events)"),
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    calendar_id = StringField(
        _l("Calendar"), default="primary", validators=[Optional(), Length(max=254)]
    )
    invites_by_google = BooleanField(_l("Google Calendar sends the invitations (not Copa)"))
    recording_max_attempts = IntegerField(
        _l("Look for the Meet recording this many times"),
        default=12,
        validators=[DataRequired(), NumberRange(min=1, max=200)],
    )
    recording_retry_minutes = IntegerField(
        _l("Minutes between two looks"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=1440)],
    )
