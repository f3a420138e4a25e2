"""recordings: recordings, renditions, captions (+ cues for search), watch progress

Revision ID: 0004_recordings
Revises: 0001_foundation
Create Date: 2026-11-27 21:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_recordings'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recordings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('error_code', sa.String(length=40), nullable=True),
        sa.Column('error_detail', sa.Text(), nullable=True),
        sa.Column('upload_length', sa.BigInteger(), nullable=True),
        sa.Column('upload_offset', sa.BigInteger(), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=True),
        sa.Column('duration_seconds', sa.Float(), nullable=True),
        sa.Column('fingerprint', sa.String(length=20), nullable=True),
        sa.Column('hls_path', sa.String(length=200), nullable=True),
        sa.Column('mp4_path', sa.String(length=200), nullable=True),
        sa.Column('poster_path', sa.String(length=200), nullable=True),
        sa.Column('thumbnails_path', sa.String(length=200), nullable=True),
        sa.Column('media_info_json', sa.Text(), nullable=False),
        sa.Column('chapters_json', sa.Text(), nullable=False),
        sa.Column('silences_json', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.String(length=64), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('playable_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('uploading', 'queued', 'processing', 'ready', 'failed')",
                           name=op.f('ck_recordings_status_known')),
        sa.CheckConstraint('progress >= 0 AND progress <= 100',
                           name=op.f('ck_recordings_progress_range')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_recordings_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_recordings_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_recordings_uploaded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
    )
    op.create_index(op.f('ix_recordings_program_id'), 'recordings', ['program_id'])
    op.create_index(op.f('ix_recordings_session_id'), 'recordings', ['session_id'])
    op.create_table(
        'recording_renditions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('path', sa.String(length=200), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('bandwidth', sa.Integer(), nullable=False),
        sa.Column('codec', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['recording_id'], ['recordings.id'],
                                name=op.f('fk_recording_renditions_recording_id_recordings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_renditions')),
        sa.UniqueConstraint('recording_id', 'name',
                            name=op.f('uq_recording_renditions_recording_id_name')),
    )
    op.create_index(op.f('ix_recording_renditions_recording_id'), 'recording_renditions',
                    ['recording_id'])
    op.create_table(
        'recording_captions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('vtt', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recording_id'], ['recordings.id'],
                                name=op.f('fk_recording_captions_recording_id_recordings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_captions')),
        sa.UniqueConstraint('recording_id', 'language',
                            name=op.f('uq_recording_captions_recording_id_language')),
    )
    op.create_index(op.f('ix_recording_captions_recording_id'), 'recording_captions',
                    ['recording_id'])
    op.create_table(
        'recording_caption_cues',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('caption_id', sa.Integer(), nullable=False),
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('start_seconds', sa.Float(), nullable=False),
        sa.Column('end_seconds', sa.Float(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['caption_id'], ['recording_captions.id'],
                                name=op.f('fk_recording_caption_cues_caption_id_recording_captions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recording_id'], ['recordings.id'],
                                name=op.f('fk_recording_caption_cues_recording_id_recordings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_caption_cues')),
    )
    op.create_index(op.f('ix_recording_caption_cues_caption_id'), 'recording_caption_cues',
                    ['caption_id'])
    op.create_index(op.f('ix_recording_caption_cues_recording_id'), 'recording_caption_cues',
                    ['recording_id'])
    op.create_table(
        'recording_watch_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('position_seconds', sa.Float(), nullable=False),
        sa.Column('watched', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recording_id'], ['recordings.id'],
                                name=op.f('fk_recording_watch_progress_recording_id_recordings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_recording_watch_progress_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_watch_progress')),
        sa.UniqueConstraint('recording_id', 'user_id',
                            name=op.f('uq_recording_watch_progress_recording_id_user_id')),
    )
    op.create_index(op.f('ix_recording_watch_progress_recording_id'), 'recording_watch_progress',
                    ['recording_id'])


def downgrade():
    op.drop_table('recording_watch_progress')
    op.drop_table('recording_caption_cues')
    op.drop_table('recording_captions')
    op.drop_table('recording_renditions')
    op.drop_table('recordings')
