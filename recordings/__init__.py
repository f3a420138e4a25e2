"""Recordings of training sessions: upload, processing (RQ + ffmpeg), replay on demand."""


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from recordings import api, views  # noqa: F401  (routes register on import)
    from recordings.overview import replays_block
    from training.nav import register_overview_block, register_program_nav

    app.register_blueprint(views.bp)
    register_program_nav(
        app, "recordings.program_recordings", _l("Recordings"), "recordings.view", order=40
    )
    register_overview_block(app, replays_block, order=40)

    from recordings.seed import seed_sample_recording
    from training.seed import SEED_STEPS

    if seed_sample_recording not in SEED_STEPS:
        SEED_STEPS.append(seed_sample_recording)

    @app.context_processor
    def _recordings_helpers():
        from training.policy import can

        return {"session_recordings": views.session_recordings, "recordings_can": can}
