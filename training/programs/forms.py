from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


class AddMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("participant", _l("Participant")),
            SelectChoice("expert", _l("Expert")),
            SelectChoice("facilitator", _l("Facilitator")),
        ],
    )
    company = StringField(_l("Company"), validators=[Optional(), Length(max=200)])
