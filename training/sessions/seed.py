"""Demo data: ten weekly training sessions from three weeks ago (those held have attendance)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from training.db import utcnow
from training.extensions import db
from training.programs.models import Membership
from training.sessions.models import SessionAttendance, TrainingSession
from training.timeutil import zone

TITLES = [
    "Lancement de la communauté",
    "Structures salariales : les bases",
    "Évaluer les emplois sans biais",
    "Rémunération variable dans une PME",
    "Conversations de rendement",
    "Équité salariale : obligations",
    "Avantages sociaux à coût maîtrisé",
    "Communiquer la rémunération",
    "Études de cas des participants",
    "Bilan et suites",
]


def seed_sessions(program, result) -> None:
    tz = zone(program.timezone)
    first_day = utcnow().astimezone(tz).date() - timedelta(days=21)
    participants = list(
        db.session.scalars(
            db.select(Membership.user_id).where(
                Membership.program_id == program.id, Membership.role == "participant"
            )
        )
    )
    stamp = utcnow()
    held = 0
    for n, title in enumerate(TITLES):
        day = first_day + timedelta(days=7 * n)
        start = datetime.combine(day, time(13, 30), tzinfo=tz)
        session = TrainingSession(
            program_id=program.id,
            title=title,
            description="Séance en direct, enregistrée et rediffusée.",
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            join_url=f"https://meet.example.org/copa-{n + 1:02d}",
            status="scheduled",
            sequence=0,
            created_at=stamp,
            updated_at=stamp,
        )
        db.session.add(session)
        db.session.flush()
        if session.ends_at < stamp:
            held += 1
            for i, user_id in enumerate(participants):
                status = "absent" if (i + n) % 7 == 0 else "present"
                db.session.add(
                    SessionAttendance(session_id=session.id, user_id=user_id, status=status)
                )
    db.session.flush()
    result.notes.append(f"{len(TITLES)} training sessions ({held} held, with attendance)")
