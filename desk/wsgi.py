"""WSGI entry point for gunicorn and other servers: `gunicorn 'desk.wsgi:app'`."""

from desk import create_app

app = create_app()
