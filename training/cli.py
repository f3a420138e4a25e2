"""``flask --app training ...`` commands: create-user, seed-demo, and the worker helpers."""

from __future__ import annotations

import click
from flask import Flask

from training.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True, help="Display name.")
    @click.option("--admin", is_flag=True, help="Give the user every right.")
    @click.option("--password", default=None, help="Set a password (else: invitation link).")
    def create_user_command(email: str, name: str, admin: bool, password: str | None):
        """Create a user and print an API token on the last line."""
        from training.accounts.operations import AccountError, create_user
        from training.accounts.tokens import issue_api_token

        try:
            user = create_user(email, name, is_admin=admin, password=password)
        except AccountError as exc:
            raise click.ClickException(exc.message) from exc
        token = issue_api_token(user, label="cli")
        db.session.commit()
        click.echo(f"created user {user.id} <{user.email}>{' (admin)' if admin else ''}")
        click.echo(token)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when a program already exists.")
    def seed_demo_command(if_empty: bool):
        """Create a demo program with its members and print the logins."""
        from training.seed import seed_demo

        result = seed_demo(if_empty=if_empty)
        if result is None:
            from training.seed import existing_demo_lines

            click.echo("The database already has data; the demo was not seeded again.")
            for line in existing_demo_lines():
                click.echo(line)
            return
        db.session.commit()
        for line in result.login_lines():
            click.echo(line)

    @app.cli.command("send-outbox")
    def send_outbox_command():
        """Queue every outbox message that is waiting (after a Redis loss, say)."""
        from training.mail.jobs import requeue_stale_messages

        click.echo(f"{requeue_stale_messages()} message(s) queued")
