"""The feature modules that make up the app; each has ``init_app(app)``.

Add one line per feature. Order matters only for templates that link across features.
"""

FEATURES = [
    "training.accounts",
    "training.programs",
    "training.mail",
    "training.sessions",
    "training.calendar",
    "training.coaching",
    "recordings",
    "training.google",
    "training.forum",
]
