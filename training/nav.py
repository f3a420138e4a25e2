"""Program navigation tabs; each feature registers its own in ``init_app``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str  # takes ``pid``
    label: object  # lazy_gettext string
    action: str | None = None  # policy action required to see the tab
    order: int = 50


def register_program_nav(
    app, endpoint: str, label, action: str | None = None, order: int = 50
) -> None:
    items = app.extensions.setdefault("copa_nav", [])
    if all(i.endpoint != endpoint for i in items):
        items.append(NavItem(endpoint, label, action, order))
        items.sort(key=lambda i: i.order)


def register_overview_block(app, render, order: int = 50) -> None:
    """A feature's "what's next" block on the program overview: ``render(program)`` returns
    Markup (empty when it has nothing to say to this viewer)."""
    blocks = app.extensions.setdefault("copa_overview", [])
    if all(r is not render for _, r in blocks):
        blocks.append((order, render))
        blocks.sort(key=lambda b: b[0])


def overview_blocks(app, program) -> list:
    return [
        b for b in (render(program) for _, render in app.extensions.get("copa_overview", [])) if b
    ]


def init_app(app) -> None:
    @app.context_processor
    def _nav():
        from training.policy import can

        def program_nav(program):
            return [
                i
                for i in app.extensions.get("copa_nav", [])
                if i.action is None or can(i.action, program.id)
            ]

        return {"program_nav": program_nav}
