"""Account rules: creating users, passwords, invitations and password resets."""

from __future__ import annotations

import functools
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from training.accounts.models import User
from training.accounts.tokens import make_link_token
from training.errors import DomainError
from training.extensions import db
from training.links import absolute_url
from training.mail.operations import queue_mail

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class AccountError(DomainError):
    """An account value was refused (422 unless told otherwise)."""

    def __init__(self, code: str, message: str, status: int = 422):
        super().__init__(status, code, message)


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(
            "invalid_email", _("“%(email)s” is not a valid e-mail address.", email=email)
        ) from exc


def clean_name(name: str) -> str:
    """A person's display name as stored: trimmed, one line, no control characters.

    The one check for every way a name is saved (preferences, API, CLI, member import): a
    name goes into e-mail headers and iCalendar parameters, where CR/LF would break the line.
    """
    name = (name or "").strip()
    if _CONTROL.search(name):
        raise AccountError(
            "invalid_name", _("A name cannot contain line breaks or control characters.")
        )
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError(
            "invalid_name", _("A name has at most %(n)d characters.", n=MAX_NAME_LENGTH)
        )
    return name


def rename_user(user: User, name: str) -> None:
    name = clean_name(name)
    if not name:
        raise AccountError("invalid_name", _("The name is required."))
    user.name = name


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    is_admin: bool = False,
    locale: str | None = None,
    timezone: str | None = None,
) -> User:
    email = normalise_email(email)
    name = clean_name(name)
    if find_user(email) is not None:
        raise AccountError("duplicate_user", _("A user with this e-mail address already exists."))
    user = User(
        email=email,
        name=name or email,
        is_admin=is_admin,
        locale=locale,
        timezone=timezone,
    )
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def get_or_create_user(email: str, name: str) -> tuple[User, bool]:
    user = find_user(email)
    if user is not None:
        return user, False
    return create_user(email, name), True


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "weak_password",
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        )
    user.password_hash = generate_password_hash(password)
    user.security_stamp = (user.security_stamp or 0) + 1


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    try:
        user = find_user(email)
    except AccountError:
        return None
    if user is None or not user.password_hash:
        # One check against a hash made like the real ones: the same work as a known account,
        # so the time taken does not tell which addresses exist.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def send_invitation(user: User, program=None, inviter: User | None = None) -> None:
    """E-mail a one-time link to choose a password (expires after INVITATION_MAX_AGE_HOURS)."""
    link = absolute_url("accounts.set_password", token=make_link_token(user, "invite"))
    locale = user.locale or (program.locale if program is not None else None) or "en"
    with force_locale(locale):
        context = {
            "user": user,
            "program": program,
            "inviter": inviter,
            "link": link,
            "hours": current_app.config["INVITATION_MAX_AGE_HOURS"],
        }
        subject = (
            _("You are invited to %(program)s on Copa", program=program.title)
            if program is not None
            else _("Your Copa account")
        )
        queue_mail(
            user.email,
            subject,
            render_template("mail/invitation.txt", **context),
            render_template("mail/invitation.html", **context),
        )


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address is known; say nothing either way (no user probing)."""
    try:
        user = find_user(email)
    except AccountError:
        return
    if user is None:
        return
    link = absolute_url("accounts.set_password", token=make_link_token(user, "reset"), reset=1)
    with force_locale(user.locale or "en"):
        context = {
            "user": user,
            "link": link,
            "hours": current_app.config["PASSWORD_RESET_MAX_AGE_HOURS"],
        }
        queue_mail(
            user.email,
            _("Reset your Copa password"),
            render_template("mail/password_reset.txt", **context),
            render_template("mail/password_reset.html", **context),
        )
