"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from qb import create_app

app = create_app()
