"""Who a reader is, and the one function that says who wrote a post for that reader.

Anonymity towards peers is enforced in :func:`author_for` alone: pages, the API, e-mails,
search results and notifications all ask it. A participant reading an anonymous post or topic
gets ``None`` (shown as "Un·e participant·e" / "A participant": no name, company or avatar);
the facilitator, the experts, admins and the author themself get the author.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from training.accounts.models import User
from training.extensions import db
from training.programs.models import Membership
from training.programs.roles import EXPERT, FACILITATOR

ANONYMOUS_LABEL = _l("A participant")


@dataclass(frozen=True)
class Reader:
    """A member reading a program's forum (``user_id`` None: nobody, e.g. a bench)."""

    user_id: int
    program_id: int
    roles: frozenset[str]
    admin: bool = False

    @property
    def staff(self) -> bool:
        """Facilitator, expert or admin: sees anonymous authors, private questions, hidden
        posts and revision histories."""
        return self.admin or bool(self.roles & {FACILITATOR, EXPERT})

    @property
    def facilitator(self) -> bool:
        return self.admin or FACILITATOR in self.roles

    @property
    def expert(self) -> bool:
        return EXPERT in self.roles

    @property
    def member(self) -> bool:
        return self.admin or bool(self.roles)


def reader_for(user: User, program_id: int) -> Reader:
    roles = frozenset(
        db.session.scalars(
            db.select(Membership.role).where(
                Membership.program_id == program_id, Membership.user_id == user.id
            )
        )
    )
    return Reader(user.id, program_id, roles, bool(user.is_admin))


@dataclass(frozen=True)
class AuthorView:
    """What a reader may know of an author: ``user`` None means "a participant"."""

    user: User | None
    company: str | None
    anonymous: bool  # the post was anonymous (staff see the name and an "anonymous" badge)

    @property
    def label(self) -> str:
        return self.user.name if self.user is not None else str(ANONYMOUS_LABEL)

    def json(self) -> dict | None:
        if self.user is None:
            return None
        return {"id": self.user.id, "name": self.user.name, "company": self.company}


def author_for(item, reader: Reader, companies: dict[int, str | None] | None = None) -> AuthorView:
    """The author of a post or topic (``item.author_id``, ``item.author``, ``item.anonymous``)
    as ``reader`` may see it. ``companies``: user id → company name, when already loaded."""
    anonymous = bool(item.anonymous)
    if item.author_id is None:
        return AuthorView(None, None, anonymous)
    if anonymous and not (reader.staff or reader.user_id == item.author_id):
        return AuthorView(None, None, True)
    if companies is not None and item.author_id in companies:
        company = companies[item.author_id]
    else:
        company = company_names(item.program_id, [item.author_id]).get(item.author_id)
    return AuthorView(item.author, company, anonymous)


def company_names(program_id: int, user_ids) -> dict[int, str | None]:
    from training.accounts.models import Company

    ids = set(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Membership.user_id, Company.name)
        .outerjoin(Company, Company.id == Membership.company_id)
        .where(Membership.program_id == program_id, Membership.user_id.in_(ids))
    ).all()
    out: dict[int, str | None] = {i: None for i in ids}
    for uid, name in rows:
        out[uid] = out[uid] or name
    return out
