"""The outbox, readable by admins: where mail lands when no SMTP server is configured."""

from flask import Blueprint, render_template
from flask_login import login_required

from training.extensions import db
from training.mail.models import OutboxMessage
from training.mail.operations import outbox
from training.policy import require_admin

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@login_required
def index():
    require_admin()
    return render_template("mail/outbox.html", messages=outbox())


@bp.get("/<int:mid>")
@login_required
def show(mid: int):
    require_admin()
    return render_template("mail/message.html", message=db.get_or_404(OutboxMessage, mid))
