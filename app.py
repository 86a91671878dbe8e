"""The WSGI entry point: `flask --app app run` and servers such as gunicorn find `app` here."""

from course import create_app

app = create_app()
