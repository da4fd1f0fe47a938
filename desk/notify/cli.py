"""`desk dispatch`: run the dispatcher in the foreground, for deployments that serve with
gunicorn and have no Celery (or to send what is due once, from cron or by hand)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from desk.notify import scheduler, tasks


@click.command("dispatch")
@click.option("--once", is_flag=True, help="One round (sweep, then send what is due), then stop.")
@with_appcontext
def dispatch_command(once):
    """Send due messages: one round with --once, otherwise until stopped (Ctrl+C)."""
    if once:
        outcomes = tasks.run_pass()
        summary = ", ".join(f"{state}: {count}" for state, count in sorted(outcomes.items()))
        click.echo(f"Dispatched {outcomes.total()} message(s). {summary}".rstrip())
        return
    runner = scheduler.Scheduler(current_app._get_current_object())
    click.echo(f"Dispatching every {runner.poll_seconds}s; press Ctrl+C to stop.")
    try:
        runner.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
