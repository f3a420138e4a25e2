"""Sign-in pages: login, logout, set a password from an invitation or reset link, preferences."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from training.accounts.forms import ForgotPasswordForm, LoginForm, PreferencesForm, SetPasswordForm
from training.accounts.operations import (
    AccountError,
    authenticate,
    rename_user,
    send_password_reset,
)
from training.accounts.operations import set_password as _set_password
from training.accounts.tokens import LinkError, active_tokens, read_link_token, revoke_api_token
from training.extensions import db
from training.throttle import throttle_logins
from training.timeutil import is_valid_zone

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("programs.home")


@bp.route("/login", methods=["GET", "POST"])
@throttle_logins
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            current_app.logger.info("login", extra={"user_id": user.id})
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
@login_required
def logout():
    # Ends this cookie even where it was copied: the stamp it carries no longer matches.
    current_user.security_stamp = (current_user.security_stamp or 0) + 1
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    purpose = "reset" if request.args.get("reset") else "invite"
    max_age = current_app.config[
        "PASSWORD_RESET_MAX_AGE_HOURS" if purpose == "reset" else "INVITATION_MAX_AGE_HOURS"
    ]
    try:
        user = read_link_token(token, purpose, max_age)
    except LinkError as exc:
        return render_template("accounts/link_invalid.html", reason=exc.reason), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            _set_password(user, form.password.data)
        except AccountError as exc:
            form.password.errors.append(exc.message)
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Your password is set. Welcome to Copa!"), "success")
            return redirect(url_for("programs.home"))
    return render_template(
        "accounts/set_password.html", form=form, user=user, purpose=purpose
    ), 200 if not form.errors else 400


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data)
        db.session.commit()
        flash(_("If this address has an account, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(obj=current_user, locale=str(get_locale()))
    if request.method == "GET":
        form.locale.data = current_user.locale or "en"
        form.timezone.data = current_user.timezone or current_app.config["DEFAULT_TIMEZONE"]
    if form.validate_on_submit():
        try:
            rename_user(current_user, form.name.data)
        except AccountError as exc:
            form.name.errors.append(exc.message)
        if form.name.errors:
            db.session.rollback()
        elif not is_valid_zone(form.timezone.data):
            form.timezone.errors.append(_("Unknown time zone."))
        else:
            current_user.locale = form.locale.data
            current_user.timezone = form.timezone.data
            db.session.commit()
            flash(_("Preferences saved."), "success")
            return redirect(url_for("accounts.preferences"))
    return render_template(
        "accounts/preferences.html", form=form, tokens=active_tokens(current_user)
    )


@bp.post("/preferences/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not revoke_api_token(token_id, current_user):
        abort(404)
    db.session.commit()
    flash(_("The token is revoked: programs using it can no longer connect."), "success")
    return redirect(url_for("accounts.preferences") + "#tokens", code=303)


@bp.post("/locale/<code>")
def switch_locale(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(
        _safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path)
    )
