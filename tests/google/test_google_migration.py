"""Migration 0005_google creates exactly what the Google models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

GOOGLE_TABLES = {"google_connections", "google_event_links", "google_recording_imports"}


def test_migration_matches_the_google_models(app, db):
    import training.google.models  # noqa: F401

    def only_google(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return getattr(table, "name", name) in GOOGLE_TABLES

    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": only_google, "compare_type": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []
    assert set(db.inspect(db.engine).get_table_names()) >= GOOGLE_TABLES
