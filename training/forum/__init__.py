"""The program's forum (collecticiel, part 1): categories, topics, replies, questions for the
experts, anonymity towards peers, moderation, search, notifications and digests."""


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from training.forum import api, views  # noqa: F401  (routes register on import)
    from training.nav import register_program_nav

    app.register_blueprint(views.bp)
    register_program_nav(app, "forum.home", _l("Forum"), order=35)
    views.register_bell(app)

    from training import seed
    from training.forum.seed import seed_forum

    if seed_forum not in seed.SEED_STEPS:
        seed.SEED_STEPS.append(seed_forum)
