"""google: connections per program, event links, Meet recording imports

Revision ID: 0005_google
Revises: 0001_foundation
Create Date: 2026-11-27 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0005_google"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "google_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=320), nullable=False),
        sa.Column("organizer_email", sa.String(length=254), nullable=False),
        sa.Column("calendar_id", sa.String(length=254), nullable=False),
        sa.Column("credentials_encrypted", sa.Text(), nullable=False),
        sa.Column("id_salt", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_reason", sa.String(length=100), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recording_max_attempts", sa.Integer(), server_default="12", nullable=False),
        sa.Column("recording_retry_minutes", sa.Integer(), server_default="30", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'ok', 'error', 'disabled')",
            name=op.f("ck_google_connections_google_status_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('service_account', 'authorized_user')",
            name=op.f("ck_google_connections_google_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"],
            name=op.f("fk_google_connections_program_id_programs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_connections")),
        sa.UniqueConstraint("program_id", name=op.f("uq_google_connections_program_id")),
    )
    op.create_table(
        "google_event_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=10), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=1024), nullable=False),
        sa.Column("etag", sa.String(length=255), nullable=True),
        sa.Column("generation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("meet_url", sa.String(length=500), nullable=True),
        sa.Column("html_link", sa.String(length=2000), nullable=True),
        sa.Column("conference_status", sa.String(length=20), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "object_kind IN ('session', 'booking')",
            name=op.f("ck_google_event_links_link_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"],
            name=op.f("fk_google_event_links_program_id_programs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_event_links")),
        sa.UniqueConstraint(
            "object_kind", "object_id", name=op.f("uq_google_event_links_object_kind_object_id")
        ),
    )
    with op.batch_alter_table("google_event_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_google_event_links_program_id"), ["program_id"], unique=False
        )

    op.create_table(
        "google_recording_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('waiting', 'downloading', 'imported', 'not_found', 'failed')",
            name=op.f("ck_google_recording_imports_import_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"],
            name=op.f("fk_google_recording_imports_program_id_programs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training_sessions.id"],
            name=op.f("fk_google_recording_imports_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_recording_imports")),
        sa.UniqueConstraint("session_id", name=op.f("uq_google_recording_imports_session_id")),
    )
    with op.batch_alter_table("google_recording_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_google_recording_imports_program_id"), ["program_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("google_recording_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_recording_imports_program_id"))
    op.drop_table("google_recording_imports")
    with op.batch_alter_table("google_event_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_event_links_program_id"))
    op.drop_table("google_event_links")
    op.drop_table("google_connections")
