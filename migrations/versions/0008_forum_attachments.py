"""forum attachments: files attached to posts (type sniffed from the bytes)

Revision ID: 0008_forum_attachments
Revises: 0007_forum
Create Date: 2026-12-06 11:30:00

"""

from alembic import op
import sqlalchemy as sa

revision = "0008_forum_attachments"
down_revision = "0007_forum"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "forum_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_forum_attachments_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["forum_posts.id"],
            name=op.f("fk_forum_attachments_post_id_forum_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name=op.f("fk_forum_attachments_uploader_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_forum_attachments_stored_name")),
    )
    op.create_index("ix_forum_attachments_post_id", "forum_attachments", ["post_id"])
    op.create_index(
        op.f("ix_forum_attachments_uploader_id"), "forum_attachments", ["uploader_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_forum_attachments_uploader_id"), table_name="forum_attachments")
    op.drop_index("ix_forum_attachments_post_id", table_name="forum_attachments")
    op.drop_table("forum_attachments")
