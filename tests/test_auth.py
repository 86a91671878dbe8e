"""First-run setup, registration with join codes, login limits, safe redirects, logout and CSRF."""

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from course import PROJECT_ROOT, create_app
from course.auth import limits
from course.extensions import db, limiter
from course.models import Classroom, Enrollment, User
from course.models.users import password_matches
from tests.conftest import CHEAP_PASSWORD_HASH, PASSWORD, AuthActions
from tests.dom import input_value

GOOD = "a long enough password"


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_every_page_leads_to_setup_while_no_user_exists(client):
    for url in ("/", "/progress", "/login", "/register", "/courses/anything"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.endswith("/setup")
    assert client.get("/setup").status_code == 200


def test_setup_creates_the_first_instructor_and_a_default_class(app, client):
    response = client.post(
        "/setup", data={"username": "Teacher", "password": GOOD, "confirm": GOOD, "display_name": "Ms T"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.role, user.display_name) == ("teacher", "admin", "Ms T")
        assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
        assert check_password_hash(user.password_hash, GOOD) and GOOD not in user.password_hash
        classroom = db.session.scalar(select(Classroom))
        assert classroom.owner_id == user.id and re.fullmatch(r"[A-Z2-9]{8}", classroom.join_code)
    page = client.get("/teach/").get_data(as_text=True)
    assert classroom.join_code in page


def test_setup_refuses_once_a_user_exists(app, client, auth):
    auth.create("first", "instructor")
    assert client.get("/setup").location.endswith("/login")
    response = client.post("/setup", data={"username": "intruder", "password": GOOD, "confirm": GOOD})
    assert response.status_code == 403
    assert user_count(app) == 1


def test_setup_form_errors_are_shown_at_the_field_and_create_nothing(app, client):
    response = client.post("/setup", data={"username": "x", "password": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Use 2 to 40 characters" in page and "Use at least 8 characters" in page and "The passwords differ" in page
    assert user_count(app) == 0


def join_code(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Classroom.join_code))


def test_student_registers_with_a_join_code_typed_loosely(app, client, auth):
    auth.create("teacher", "instructor")
    code = join_code(app)
    loose = f" {code[:4].lower()} {code[4:].lower()} "
    response = client.post("/register", data={"username": "Sam", "password": GOOD, "confirm": GOOD, "join_code": loose})
    assert response.status_code == 302
    with app.app_context():
        student = db.session.scalar(select(User).where(User.username == "sam"))
        assert student.role == "student" and student.email is None
        assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.user_id == student.id)) == 1


def test_a_class_of_thirty_registers_from_one_address(app, client, auth):
    """Thirty students behind one school address all create their accounts (the default allows 100 an hour); the
    limit is a setting, and the next one over it is refused."""
    assert app.config["REGISTER_LIMITS"] == "100 per hour"
    app.config["REGISTER_LIMITS"] = "30 per hour"
    auth.create("teacher", "instructor")
    code = join_code(app)

    def register(n):
        form = {"username": f"pupil{n}", "password": GOOD, "confirm": GOOD, "join_code": code}
        return app.test_client().post("/register", data=form, environ_base={"REMOTE_ADDR": "10.1.1.1"})

    assert [register(n).status_code for n in range(30)] == [302] * 30
    assert register(30).status_code == 429


@pytest.mark.parametrize(
    "code, message",
    [("WRONGCODE", "No open class has this code"), ("", "Enter the join code your teacher gave you")],
)
def test_registration_without_a_valid_code_is_refused(app, client, auth, code, message):
    auth.create("teacher", "instructor")
    response = client.post("/register", data={"username": "sam", "password": GOOD, "confirm": GOOD, "join_code": code})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert user_count(app) == 1


def test_a_closed_class_code_stops_working(app, client, auth):
    auth.as_role("instructor", "teacher")
    code = join_code(app)
    with app.app_context():
        classroom_id = db.session.scalar(select(Classroom.id))
    client.post(f"/teach/classes/{classroom_id}/open")
    auth.logout()
    response = client.post("/register", data={"username": "sam", "password": GOOD, "confirm": GOOD, "join_code": code})
    assert "No open class has this code" in response.get_data(as_text=True)


def test_open_registration_lets_students_register_without_a_code(app, client, auth):
    auth.as_role("instructor", "teacher")
    client.post("/teach/open-registration")
    auth.logout()
    response = client.post("/register", data={"username": "walkin", "password": GOOD, "confirm": GOOD})
    assert response.status_code == 302
    assert user_count(app) == 2


def test_duplicate_username_is_refused_case_insensitively(app, client, auth):
    auth.create("teacher", "instructor")
    response = client.post(
        "/register", data={"username": "TEACHER", "password": GOOD, "confirm": GOOD, "join_code": join_code(app)}
    )
    assert "This username is taken" in response.get_data(as_text=True)
    assert user_count(app) == 1


def test_login_wrong_password_then_right(client, auth):
    auth.create("sam")
    response = auth.login("sam", "wrong password!")
    assert response.status_code == 200 and "Wrong username or password" in response.get_data(as_text=True)
    assert auth.login("SAM").status_code == 302
    assert client.get("/progress").status_code == 200


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/progress", "/progress"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_within_the_site(client, auth, target, expected):
    auth.create("sam")
    response = client.post(f"/login?next={target}", data={"username": "sam", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response.location == expected


def test_anonymous_visitors_are_sent_to_login_with_next(client, auth):
    auth.create("sam")
    response = client.get("/progress")
    assert response.status_code == 302 and "/login?next=%2Fprogress" in response.location


def test_logout_is_a_post_and_ends_the_session(client, auth):
    auth.as_role("student", "sam")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/progress").status_code == 302


def wrong_password(client, username="sam", address="10.0.0.1"):
    return client.post(
        "/login", data={"username": username, "password": "nope nope"}, environ_base={"REMOTE_ADDR": address}
    )


def test_failed_sign_ins_for_an_account_are_limited_across_addresses(app, client, auth):
    app.config["LOGIN_LIMITS"] = "3 per minute"
    auth.create("sam")
    for number in range(3):
        assert wrong_password(client, address=f"10.0.0.{number}").status_code == 200
    blocked = wrong_password(client, address="10.0.0.9")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_failed_sign_ins_from_an_address_are_limited_across_accounts(app, client, auth):
    app.config["LOGIN_ADDRESS_LIMITS"] = "3 per minute"
    auth.create("sam")
    for number in range(3):
        wrong_password(client, username=f"user{number}")
    assert (
        client.post(
            "/login", data={"username": "sam", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
        ).status_code
        == 429
    )


def test_only_failed_sign_ins_count(app, client, auth):
    app.config.update(LOGIN_LIMITS="3 per minute", LOGIN_ADDRESS_LIMITS="3 per minute")
    auth.create("sam")
    for _ in range(6):
        assert auth.login("sam").status_code == 302
        auth.logout()
    assert wrong_password(client).status_code == 200


def test_forty_students_behind_one_address_all_sign_in_within_a_minute(app, auth):
    with app.app_context():
        template = User(username="template")
        template.set_password(PASSWORD)  # one hash for all forty: hashing is slow by design
        db.session.add_all(User(username=f"student{n:02}", password_hash=template.password_hash) for n in range(40))
        db.session.add(Classroom(name="Default class"))
        db.session.commit()
    school = {"REMOTE_ADDR": "203.0.113.7"}
    for number in range(40):
        device = app.test_client()
        if number % 4 == 0:  # a few mistype first, as a class does
            assert wrong_password(device, f"student{number:02}", school["REMOTE_ADDR"]).status_code == 200
        response = device.post(
            "/login", data={"username": f"student{number:02}", "password": PASSWORD}, environ_base=school
        )
        assert response.status_code == 302, number


def test_guesses_from_many_addresses_cannot_lock_a_student_out_of_their_own_device(app, client, auth):
    app.config["LOGIN_LIMITS"] = "3 per minute"
    auth.create("sam")
    assert auth.login("sam").status_code == 302  # the student's own device, which now holds a device cookie
    auth.logout()
    attacker = app.test_client()
    for number in range(10):
        wrong_password(attacker, address=f"198.51.100.{number}")
    assert wrong_password(attacker, address="198.51.100.99").status_code == 429
    assert app.test_client().post("/login", data={"username": "sam", "password": PASSWORD}).status_code == 429
    assert auth.login("sam").status_code == 302


def test_a_trusted_device_is_limited_on_its_own(app, client, auth):
    app.config["LOGIN_LIMITS"] = "3 per minute"
    auth.create("sam")
    auth.login("sam")
    auth.logout()
    for _ in range(3):
        assert wrong_password(client).status_code == 200
    assert auth.login("sam").status_code == 429
    assert app.test_client().post("/login", data={"username": "sam", "password": PASSWORD}).status_code == 302


def test_a_forged_device_cookie_is_not_trusted(app, client, auth):
    app.config["LOGIN_LIMITS"] = "3 per minute"
    auth.create("sam")
    for number in range(3):
        wrong_password(client, address=f"10.0.0.{number}")
    client.set_cookie("lanyard_device", "eyJub25jZSI6Inh4In0.forged.signature", path="/login")
    assert auth.login("sam").status_code == 429


def test_the_password_hash_runs_whether_or_not_the_account_exists(app, client, auth, monkeypatch):
    from course.models import users

    checked = []

    def spy(password_hash, password):
        checked.append(password_hash.split("$")[0])
        return check_password_hash(password_hash, password)

    monkeypatch.setattr(users, "check_password_hash", spy)
    auth.create("sam")
    wrong_password(client, username="sam")
    wrong_password(client, username="nobody")
    assert checked == [app.config["PASSWORD_HASH_METHOD"]] * 2


def test_limiter_keys_hold_a_digest_never_the_typed_username(app, client, auth):
    auth.create("sam")
    huge = wrong_password(client, username="Mallory" * 50_000)
    assert huge.status_code == 200 and "Field cannot be longer than 40 characters" in huge.get_data(as_text=True)
    assert wrong_password(client, username="Mallory.Guesser").status_code == 200
    with app.test_request_context("/login", method="POST", data={"username": "Mallory.Guesser"}):
        key = limits.account_key()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    stored = list(limiter.limiter.storage.storage)
    assert any(key in stored_key for stored_key in stored)
    assert not any("mallory" in stored_key.lower() for stored_key in stored)


def test_sign_in_works_when_redis_is_unreachable(app, caplog):
    unreachable = create_app({**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    AuthActions(unreachable, unreachable.test_client()).create("sam")
    device = unreachable.test_client()
    assert wrong_password(device).status_code == 200
    assert device.post("/login", data={"username": "sam", "password": PASSWORD}).status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    with unreachable.app_context():
        db.engine.dispose()


def test_csrf_token_is_required_on_every_post(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "csrf-test",
            "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.post("/setup", data={"username": "teacher", "password": GOOD, "confirm": GOOD})
    assert response.status_code == 400
    assert user_count(app) == 0
    page = client.get("/setup").get_data(as_text=True)
    token = input_value(page, "csrf_token")
    response = client.post(
        "/setup", data={"username": "teacher", "password": GOOD, "confirm": GOOD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert user_count(app) == 1
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def test_a_password_reset_signs_the_account_out_everywhere(app, client, auth):
    user_id = auth.as_role("student", "sam")
    other_device = app.test_client()
    assert other_device.post("/login", data={"username": "sam", "password": PASSWORD}).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        user.set_password("a brand new password")
        db.session.commit()
    for device in (client, other_device):
        response = device.get("/progress")
        assert response.status_code == 302 and "/login" in response.location


def test_passwords_are_hashed_with_scrypt_unless_the_setting_names_another_method(monkeypatch):
    """Production hashes with scrypt; the suite's cheap PASSWORD_HASH_METHOD changes only how new hashes are made,
    so hashes of either kind verify under either setting."""
    monkeypatch.delenv("LANYARD_PASSWORD_HASH_METHOD", raising=False)
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    cheap = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH}
    )
    assert production.config["PASSWORD_HASH_METHOD"] == "scrypt"
    hashes = {}
    for name, app in (("production", production), ("cheap", cheap)):
        with app.app_context():
            user = User(username=name)
            user.set_password(GOOD)
            hashes[name] = user.password_hash
    assert hashes["production"].startswith("scrypt:32768:8:1$")
    assert hashes["cheap"].startswith(CHEAP_PASSWORD_HASH + "$")
    outside_any_app = User(username="cli")
    outside_any_app.set_password(GOOD)
    assert outside_any_app.password_hash.startswith("scrypt:")
    for app, other in ((production, "cheap"), (cheap, "production")):  # each setting verifies the other's hashes
        with app.app_context():
            user = User(username="either", password_hash=hashes[other])
            assert password_matches(user, GOOD) and not user.check_password(GOOD + "!")
    with cheap.app_context():
        assert not password_matches(None, GOOD)


def test_pages_skip_flask_limiters_hook_unless_a_site_wide_limit_is_set(app, tmp_path):
    """The limited views check their own limits; Flask-Limiter's per-request hook is removed while no default or
    application limit exists, and stays (and limits every page) when one is configured. The Limiter is shared by
    every app of a process, so the configured case runs in a fresh interpreter."""
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    script = (
        "from app import app\n"
        "client = app.test_client()\n"
        "print([client.get('/healthz').status_code for _ in range(3)])\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'limited.sqlite'}",
        "LANYARD_INSTANCE_PATH": str(tmp_path),
        "LANYARD_SECRET_KEY": "limited",
        "LANYARD_RATELIMIT_DEFAULT": "2 per minute",
        "LANYARD_RATELIMIT_STORAGE_URI": "memory://",
    }
    limited = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert limited.returncode == 0, limited.stderr
    assert limited.stdout.strip().endswith(", 429]"), limited.stdout
