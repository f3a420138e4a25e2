"""Program rules: creating programs, adding and removing members."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from training import signals
from training.accounts.models import Company, User
from training.accounts.operations import AccountError, get_or_create_user, send_invitation
from training.errors import DomainError
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import PARTICIPANT, ROLES
from training.timeutil import is_valid_zone


class ProgramError(DomainError):
    """A rule of programs and members was broken."""


def create_program(
    title: str,
    *,
    timezone: str = "America/Toronto",
    coaching_quota: int = 5,
    planned_sessions: int = 10,
    starts_on: date | None = None,
    ends_on: date | None = None,
    locale: str = "fr_CA",
) -> Program:
    if not is_valid_zone(timezone):
        raise ProgramError(422, "invalid_timezone", _("Unknown time zone “%(tz)s”.", tz=timezone))
    if starts_on and ends_on and ends_on < starts_on:
        raise ProgramError(422, "invalid_dates", _("The program ends before it starts."))
    program = Program(
        title=title,
        timezone=timezone,
        coaching_quota=coaching_quota,
        planned_sessions=planned_sessions,
        starts_on=starts_on,
        ends_on=ends_on,
        locale=locale,
    )
    db.session.add(program)
    db.session.flush()
    return program


def company_named(name: str | None) -> Company | None:
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    company = db.session.scalar(db.select(Company).where(Company.name == name))
    if company is None:
        try:
            with db.session.begin_nested():
                company = Company(name=name)
                db.session.add(company)
        except sa.exc.IntegrityError:  # created concurrently
            company = db.session.scalar(db.select(Company).where(Company.name == name))
    return company


def add_member(
    program: Program,
    *,
    email: str,
    name: str,
    role: str,
    company: str | None = None,
    inviter: User | None = None,
) -> Membership:
    """Add a member (creating the user if new, who then gets an invitation e-mail)."""
    if role not in ROLES:
        raise ProgramError(422, "invalid_role", _("Unknown role “%(role)s”.", role=role))
    try:
        user, created = get_or_create_user(email, name)
    except AccountError as exc:
        raise ProgramError(422, exc.code, exc.message) from exc
    exists = db.session.scalar(
        db.select(Membership).where(
            Membership.program_id == program.id,
            Membership.user_id == user.id,
            Membership.role == role,
        )
    )
    if exists is not None:
        raise ProgramError(
            409,
            "duplicate_member",
            _("%(email)s is already a %(role)s in this program.", email=user.email, role=role),
        )
    company_row = company_named(company) if role == PARTICIPANT or company else None
    membership = Membership(
        program_id=program.id,
        user_id=user.id,
        role=role,
        company_id=company_row.id if company_row else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(membership)
    except sa.exc.IntegrityError as exc:  # a concurrent request added the same member
        raise ProgramError(
            409,
            "duplicate_member",
            _("%(email)s is already a %(role)s in this program.", email=user.email, role=role),
        ) from exc
    if created or not user.password_hash:
        send_invitation(user, program, inviter)
    signals.member_added.send(membership, membership=membership)
    return membership


def remove_member(membership: Membership) -> None:
    signals.member_removed.send(membership, membership=membership)
    db.session.delete(membership)
    db.session.flush()


def members_by_company(program: Program) -> list[tuple[str | None, list[Membership]]]:
    """Participants grouped by company name (sorted), staff first under ``None``."""
    rows = db.session.scalars(
        db.select(Membership)
        .where(Membership.program_id == program.id)
        .options(sa.orm.joinedload(Membership.user), sa.orm.joinedload(Membership.company))
    ).all()
    groups: dict[str | None, list[Membership]] = {}
    for m in rows:
        key = m.company.name if m.company else None
        groups.setdefault(key, []).append(m)
    for members in groups.values():
        members.sort(key=lambda m: (m.role != "facilitator", m.role != "expert", m.user.name))
    return sorted(groups.items(), key=lambda kv: (kv[0] is not None, (kv[0] or "").lower()))


def programs_of(user: User) -> list[Program]:
    if user.is_admin:
        return list(db.session.scalars(db.select(Program).order_by(Program.id)))
    return list(
        db.session.scalars(
            db.select(Program)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .distinct()
            .order_by(Program.id)
        )
    )
