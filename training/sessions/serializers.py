"""JSON shapes of sessions (times with the program zone's offset)."""

from __future__ import annotations

from flask import url_for

from training.extensions import db
from training.sessions.events import session_url
from training.sessions.models import SessionMaterial, TrainingSession
from training.timeutil import isoformat


def material_json(material: SessionMaterial) -> dict:
    return {
        "id": material.id,
        "filename": material.filename,
        "content_type": material.content_type,
        "size_bytes": material.size_bytes,
        "url": url_for("sessions.material", sid=material.session_id, mid=material.id),
    }


def materials_of(session_id: int) -> list[SessionMaterial]:
    return list(
        db.session.scalars(
            db.select(SessionMaterial)
            .where(SessionMaterial.session_id == session_id)
            .order_by(SessionMaterial.id)
        )
    )


def session_json(session: TrainingSession, tz_name: str, *, materials=None) -> dict:
    return {
        "id": session.id,
        "program_id": session.program_id,
        "title": session.title,
        "description": session.description,
        "starts_at": isoformat(session.starts_at, tz_name),
        "ends_at": isoformat(session.ends_at, tz_name),
        "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
        "timezone": tz_name,
        "join_url": session.join_url,
        "status": "cancelled" if session.status == "cancelled" else "scheduled",
        "cancel_reason": session.cancel_reason,
        "sequence": session.sequence,
        "url": session_url(session.id),
        "materials": [material_json(m) for m in (materials or [])],
    }
