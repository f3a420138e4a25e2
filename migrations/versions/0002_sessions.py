"""sessions: settings, materials, RSVPs, attendance; calendar feeds

Revision ID: 0002_sessions
Revises: 0001_foundation
Create Date: 2026-11-27 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_sessions'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'session_settings',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('reminder_minutes', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_session_settings_program_id_programs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('program_id', name=op.f('pk_session_settings')),
    )
    op.create_table(
        'session_materials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_session_materials_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_session_materials_uploaded_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_materials')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_session_materials_stored_name')),
    )
    with op.batch_alter_table('session_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_materials_session_id'), ['session_id'],
                              unique=False)
    op.create_table(
        'session_rsvps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('response', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("response IN ('yes', 'no', 'maybe')",
                           name=op.f('ck_session_rsvps_response_known')),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_session_rsvps_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_session_rsvps_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_rsvps')),
        sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_rsvps_session_id_user_id')),
    )
    with op.batch_alter_table('session_rsvps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_rsvps_session_id'), ['session_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_session_rsvps_user_id'), ['user_id'], unique=False)
    op.create_table(
        'session_attendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('marked_by_id', sa.Integer(), nullable=True),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('present', 'absent')",
                           name=op.f('ck_session_attendance_status_known')),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_session_attendance_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_session_attendance_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'],
                                name=op.f('fk_session_attendance_marked_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendance')),
        sa.UniqueConstraint('session_id', 'user_id',
                            name=op.f('uq_session_attendance_session_id_user_id')),
    )
    with op.batch_alter_table('session_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendance_session_id'), ['session_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_session_attendance_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
        sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id')),
    )


def downgrade():
    op.drop_table('calendar_feeds')
    op.drop_table('session_attendance')
    op.drop_table('session_rsvps')
    op.drop_table('session_materials')
    op.drop_table('session_settings')
