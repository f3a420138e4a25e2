"""merge the feature branches: sessions, coaching, recordings, google

Revision ID: 0006_merge_features
Revises: 0002_sessions, 0003_coaching, 0004_recordings, 0005_google
Create Date: 2026-11-27 21:00:00

"""

# revision identifiers, used by Alembic.
revision = "0006_merge_features"
down_revision = ("0002_sessions", "0003_coaching", "0004_recordings", "0005_google")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
