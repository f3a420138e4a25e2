"""coaching: settings, slots, bookings (one active booking per slot), notes, unavailability

Revision ID: 0003_coaching
Revises: 0001_foundation
Create Date: 2026-11-27 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_coaching'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('booked', 'attended', 'no_show')")
STATUSES = "'booked', 'attended', 'no_show', 'cancelled', 'late_cancelled', 'expert_cancelled'"


def upgrade():
    op.create_table(
        'coaching_settings',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('cutoff_hours', sa.Integer(), server_default='24', nullable=False),
        sa.Column('min_notice_hours', sa.Integer(), server_default='12', nullable=False),
        sa.Column('pacing_days', sa.Integer(), server_default='0', nullable=False),
        sa.Column('late_cancel_counts', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_coaching_settings_program_id_programs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('program_id', name=op.f('pk_coaching_settings')),
    )
    op.create_table(
        'coaching_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
        sa.Column('hold_user_id', sa.Integer(), nullable=True),
        sa.Column('hold_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_coaching_slots_slot_ends_after_start')),
        sa.CheckConstraint("status IN ('open', 'withdrawn')", name=op.f('ck_coaching_slots_slot_status_known')),
        sa.ForeignKeyConstraint(['expert_id'], ['users.id'],
                                name=op.f('fk_coaching_slots_expert_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['hold_user_id'], ['users.id'],
                                name=op.f('fk_coaching_slots_hold_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_coaching_slots_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_slots')),
    )
    op.create_index('ix_coaching_slots_expert_starts', 'coaching_slots', ['expert_id', 'starts_at'])
    op.create_index('ix_coaching_slots_program_starts', 'coaching_slots', ['program_id', 'starts_at'])
    op.create_table(
        'coaching_bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('booked_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), server_default='booked', nullable=False),
        sa.Column('sequence', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f'status IN ({STATUSES})', name=op.f('ck_coaching_bookings_booking_status_known')),
        sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'],
                                name=op.f('fk_coaching_bookings_booked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['participant_id'], ['users.id'],
                                name=op.f('fk_coaching_bookings_participant_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_coaching_bookings_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['slot_id'], ['coaching_slots.id'],
                                name=op.f('fk_coaching_bookings_slot_id_coaching_slots'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_bookings')),
    )
    op.create_index('ix_coaching_bookings_participant', 'coaching_bookings', ['program_id', 'participant_id'])
    op.create_index(op.f('ix_coaching_bookings_slot_id'), 'coaching_bookings', ['slot_id'])
    # One active booking per slot: the database, not the application, has the last word.
    op.create_index('uq_coaching_bookings_active_slot', 'coaching_bookings', ['slot_id'], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.create_table(
        'coaching_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('preparation', 'private', 'shared')", name=op.f('ck_coaching_notes_note_kind_known')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_coaching_notes_author_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['booking_id'], ['coaching_bookings.id'],
                                name=op.f('fk_coaching_notes_booking_id_coaching_bookings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_notes')),
    )
    op.create_index(op.f('ix_coaching_notes_booking_id'), 'coaching_notes', ['booking_id'])
    op.create_table(
        'coaching_unavailability',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('end_time', sa.Time(), nullable=False),
        sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_coaching_unavailability_weekday_range')),
        sa.CheckConstraint('end_time > start_time', name=op.f('ck_coaching_unavailability_unavailability_ordered')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_coaching_unavailability_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_coaching_unavailability_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_unavailability')),
    )
    op.create_index(op.f('ix_coaching_unavailability_program_id'), 'coaching_unavailability', ['program_id'])


def downgrade():
    op.drop_table('coaching_unavailability')
    op.drop_table('coaching_notes')
    op.drop_index('uq_coaching_bookings_active_slot', table_name='coaching_bookings')
    op.drop_table('coaching_bookings')
    op.drop_table('coaching_slots')
    op.drop_table('coaching_settings')
