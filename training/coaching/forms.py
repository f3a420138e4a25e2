"""The expert's weekly availability form: a row per weekday (on, from, to), the period, the slot
length and the pause between slots. WTForms keeps what was typed when it is refused."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    TimeField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from training.coaching.weekly import WeekPlan

SLOT_LENGTHS = (15, 20, 30, 45, 50, 60, 75, 90, 120)
BUFFERS = (0, 5, 10, 15, 30, 60)


class DayForm(Form):
    on = BooleanField(_l("Available"))
    starts = TimeField(_l("From"), validators=[Optional()], default=time(9))
    ends = TimeField(_l("To"), validators=[Optional()], default=time(12))

    def validate_ends(self, field):
        if not self.on.data:
            return
        if self.starts.data is None or field.data is None:
            raise ValidationError(_l("Give the start and end times."))
        if field.data <= self.starts.data:
            raise ValidationError(_l("The end comes after the start."))


class WeekForm(FlaskForm):
    days = FieldList(FormField(DayForm), min_entries=7, max_entries=7)
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    slot_minutes = SelectField(
        _l("Each session lasts"),
        coerce=int,
        choices=[SelectChoice(m, _l("%(num)s min", num=m)) for m in SLOT_LENGTHS],
        default=60,
    )
    buffer_minutes = SelectField(
        _l("Pause between sessions"),
        coerce=int,
        choices=[SelectChoice(m, _l("%(num)s min", num=m) if m else _l("None")) for m in BUFFERS],
        default=0,
    )

    def plan(self) -> WeekPlan:
        return WeekPlan(
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            slot_minutes=self.slot_minutes.data,
            buffer_minutes=self.buffer_minutes.data,
            hours={
                n: (day.starts.data, day.ends.data)
                for n, day in enumerate(self.days)
                if day.on.data
            },
        )
