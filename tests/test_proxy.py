"""LANYARD_TRUSTED_PROXIES: behind N reverse proxies the app reads the client's address and scheme from the
X-Forwarded-* headers; without the setting those headers are ignored, because any client can send them."""

import os
import secrets

import pytest
from flask import request, url_for

from course import create_app
from course.extensions import db
from course.models import User
from tests.conftest import PASSWORD

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "lanyard.example.org",
    "X-Forwarded-Port": "443",
}


@pytest.fixture
def make_app(tmp_path):
    """Build apps like the `app` fixture, with extra settings, and clear their database afterwards."""
    built = []

    def make(**settings):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            # The per-address sign-in limit: LOGIN_LIMITS, or LOGIN_ADDRESS_LIMITS where the address has its own.
            "LOGIN_LIMITS": "3 per minute",
            "LOGIN_ADDRESS_LIMITS": "3 per minute",
            **settings,
        }
        if not os.environ.get("DATABASE_URL"):
            config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'test.sqlite'}"
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            user = User(username="ada", role="student")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()

        @app.route("/_seen")
        def seen():
            return {"address": request.remote_addr, "login_url": url_for("auth.login", _external=True)}

        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def failed_sign_in(client, address: str | None = None):
    """One wrong password for a fresh username, so only the per-address limit can refuse it."""
    headers = {"X-Forwarded-For": address} if address else {}
    data = {"username": f"nobody-{secrets.token_hex(4)}", "password": "wrong password"}
    return client.post("/login", data=data, headers=headers)


def test_trusted_proxy_headers_give_the_client_address_scheme_and_host(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    seen = client.get("/_seen", headers=FORWARDED).get_json()
    assert seen == {"address": "203.0.113.7", "login_url": "https://lanyard.example.org/login"}


def test_only_the_address_the_trusted_proxy_added_counts(make_app):
    """With one proxy, the rightmost X-Forwarded-For entry is the one it appended; earlier ones are the client's."""
    client = make_app(TRUSTED_PROXIES=1).test_client()
    seen = client.get("/_seen", headers={**FORWARDED, "X-Forwarded-For": "10.9.9.9, 203.0.113.7"}).get_json()
    assert seen["address"] == "203.0.113.7"


def test_without_the_setting_forwarded_headers_are_ignored(make_app):
    client = make_app().test_client()
    seen = client.get("/_seen", headers=FORWARDED).get_json()
    assert seen == {"address": "127.0.0.1", "login_url": "http://localhost/login"}


def test_behind_a_trusted_proxy_the_sign_in_limit_counts_each_client_address(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    for _ in range(3):
        assert failed_sign_in(client, "203.0.113.7").status_code == 200
    assert failed_sign_in(client, "203.0.113.7").status_code == 429
    # Another pupil behind the same proxy is counted on their own address.
    assert failed_sign_in(client, "203.0.113.8").status_code == 200
    assert (
        client.post(
            "/login", data={"username": "ada", "password": PASSWORD}, headers={"X-Forwarded-For": "203.0.113.9"}
        ).status_code
        == 302
    )


def test_without_the_setting_a_forged_forwarded_for_does_not_escape_the_limit(make_app):
    client = make_app().test_client()
    for n in range(3):
        assert failed_sign_in(client, f"203.0.113.{n}").status_code == 200
    assert failed_sign_in(client, "203.0.113.99").status_code == 429


def test_trusted_proxies_must_be_a_count(make_app):
    with pytest.raises(ValueError):
        make_app(TRUSTED_PROXIES=-1)
