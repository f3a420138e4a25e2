"""1:1 coaching: expert availability, bookings within a quota, invites, notes, proposals."""


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from training.coaching import (  # noqa: F401  (routes register on import)
        api,
        api_planning,
        availability_views,
        feeds,
        picker_views,
        views,
    )
    from training.nav import register_program_nav

    app.register_blueprint(views.bp)
    register_program_nav(app, "coaching.index", _l("Coaching"), order=30)
    feeds.register()
    from training.coaching.overview import coaching_block
    from training.nav import register_overview_block

    register_overview_block(app, coaching_block, order=30)

    from training import signals
    from training.coaching.operations import on_member_removed

    signals.member_removed.connect(on_member_removed, weak=False)

    from training import seed
    from training.coaching.seed import seed_coaching

    if seed_coaching not in seed.SEED_STEPS:
        seed.SEED_STEPS.append(seed_coaching)
