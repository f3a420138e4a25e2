"""The demo program: 30 companies, 40 participants, a facilitator and an expert.

Later features add their part through ``SEED_STEPS`` (sessions, coaching slots, a recording).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from training.accounts.operations import create_user
from training.db import utcnow
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.operations import company_named, create_program

DEMO_PASSWORD = "copa-demo-2026"

COMPANY_NAMES = [
    "Logiciels Boréal",
    "Nordik Web",
    "Studio Pixel Mauve",
    "Québec Data",
    "Infonuagique Laval",
    "Cyberdéfense Estrie",
    "Saguenay Systèmes",
    "Mont-Royal Analytique",
    "Vaudreuil Robotique",
    "Lachine Logistique TI",
    "Gaspésie Numérique",
    "Outaouais Intégration",
    "Beauce Code",
    "Abitibi Réseaux",
    "Rimouski Marine Tech",
    "Sherbrooke Santé Num",
    "Trois-Rivières Labs",
    "Granby Automatisation",
    "Longueuil Cloud",
    "Repentigny Interactif",
    "Mauricie Mobile",
    "Laurentides IA",
    "Charlevoix Conseil TI",
    "Lévis Cybersécurité",
    "Joliette Jeux",
    "Drummond Données",
    "Chaudière Capteurs",
    "Rouyn Réalité Virtuelle",
    "Magog Médias",
    "Blainville Biotech Info",
]
FIRST = [
    "Marie",
    "Jean",
    "Sophie",
    "Louis",
    "Camille",
    "Olivier",
    "Chloé",
    "Mathieu",
    "Léa",
    "Gabriel",
    "Emma",
    "Samuel",
    "Florence",
    "Thomas",
    "Juliette",
    "Félix",
    "Alice",
    "Antoine",
    "Rosalie",
    "William",
]
LAST = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
]


@dataclass
class DemoResult:
    program: Program
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role, email, password
    notes: list[str] = field(default_factory=list)

    def login_lines(self) -> list[str]:
        lines = [f"Demo program: {self.program.title} (id {self.program.id})"]
        lines += [f"  {role:<12} {email}  password: {pw}" for role, email, pw in self.logins]
        lines += [f"  {n}" for n in self.notes]
        return lines


# Callables (program, result) run after the members exist; features append to this list.
SEED_STEPS: list = []


def seed_demo(*, if_empty: bool = False, seed: int = 2005) -> DemoResult | None:
    if if_empty and db.session.scalar(db.select(Program.id).limit(1)) is not None:
        return None
    rng = random.Random(seed)
    today = utcnow().date()
    program = create_program(
        "CoPA Rémunération et évaluation du rendement",
        timezone="America/Toronto",
        starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=150),
        locale="fr_CA",
    )
    result = DemoResult(program)

    def person(email, name, role, company=None, admin=False):
        user = create_user(
            email,
            name,
            password=DEMO_PASSWORD,
            is_admin=admin,
            locale="fr_CA",
            timezone="America/Toronto",
        )
        company_row = company_named(company) if company else None
        db.session.add(
            Membership(
                program_id=program.id,
                user_id=user.id,
                role=role,
                company_id=company_row.id if company_row else None,
            )
        )
        return user

    admin = create_user(
        "admin@copa.example", "Admin Copa", password=DEMO_PASSWORD, is_admin=True, locale="en"
    )
    result.logins.append(("admin", admin.email, DEMO_PASSWORD))
    person("animatrice@copa.example", "Nathalie Dumais", "facilitator")
    result.logins.append(("facilitator", "animatrice@copa.example", DEMO_PASSWORD))
    person("expert@copa.example", "Benoît Leduc", "expert")
    result.logins.append(("expert", "expert@copa.example", DEMO_PASSWORD))
    names = set()
    for i in range(40):
        company = COMPANY_NAMES[i % len(COMPANY_NAMES)]
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in names:
                names.add(name)
                break
        person(f"participant{i + 1:02d}@copa.example", name, "participant", company)
    result.logins.append(
        ("participant", "participant01@copa.example … participant40", DEMO_PASSWORD)
    )
    db.session.flush()
    for step in SEED_STEPS:
        step(program, result)
    return result


def existing_demo_lines() -> list[str]:
    """The demo logins, if the demo accounts are still there."""
    from training.accounts.models import User

    emails = [
        "admin@copa.example",
        "animatrice@copa.example",
        "expert@copa.example",
        "participant01@copa.example",
    ]
    found = set(db.session.scalars(db.select(User.email).where(User.email.in_(emails))))
    if not found:
        return []
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    lines += [f"  {email}" for email in emails if email in found]
    return lines
