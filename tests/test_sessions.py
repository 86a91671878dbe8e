"""Sessions live on the server: logout and "sign out everywhere" refuse copied cookies, remember-me is bounded,
and pages with grades, answers or personal data are never cached."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from course.extensions import db
from course.models import Attempt, Classroom, Course, Enrollment, Quiz
from course.models.users import UserSession, utcnow
from tests.conftest import PASSWORD


def sign_in(client, username="sam", remember=False):
    data = {"username": username, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/login", data=data).status_code == 302


def replay(app, name, value, path="/"):
    """A fresh browser holding only a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value, path=path)
    return thief.get("/progress")


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app, client, auth):
    auth.create("sam")
    sign_in(client)
    copied = client.get_cookie("session").value
    assert replay(app, "session", copied).status_code == 200
    auth.logout()
    response = replay(app, "session", copied)
    assert response.status_code == 302 and "/login" in response.location


def test_a_remember_cookie_copied_before_logout_is_refused_after_it(app, client, auth):
    auth.create("sam")
    sign_in(client, remember=True)
    copied = client.get_cookie("remember_token").value
    assert replay(app, "remember_token", copied).status_code == 200
    auth.logout()
    assert replay(app, "remember_token", copied).status_code == 302


@pytest.mark.parametrize("setting, days", [(90, 30), (7, 7)])
def test_remember_me_lasts_the_setting_and_never_more_than_30_days(app, client, auth, setting, days):
    app.config["REMEMBER_DAYS"] = setting
    auth.create("sam")
    sign_in(client, remember=True)
    cookie = client.get_cookie("remember_token")
    assert abs(cookie.expires - (datetime.now(cookie.expires.tzinfo) + timedelta(days=days))) < timedelta(minutes=5)
    with app.app_context():
        expires_at = db.session.scalar(select(UserSession.expires_at))
    assert abs(expires_at - (utcnow() + timedelta(days=days))) < timedelta(minutes=5)


def test_an_expired_session_signs_no_one_in_even_with_its_cookie(app, client, auth):
    auth.create("sam")
    sign_in(client, remember=True)
    copied = client.get_cookie("remember_token").value
    with app.app_context():
        db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert replay(app, "remember_token", copied).status_code == 302
    assert client.get("/progress").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_account_only(app, client, auth):
    auth.create("sam")
    auth.create("kim")
    phone, classmate = app.test_client(), app.test_client()
    sign_in(client)
    sign_in(phone, remember=True)
    sign_in(classmate, "kim")
    page = client.get("/account").get_data(as_text=True)
    assert "signed in on 2 devices" in page and "Sign out everywhere" in page
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and "/login" in response.location
    for device in (client, phone):
        assert device.get("/progress").status_code == 302
    assert classmate.get("/progress").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(UserSession.user_id)).all() != []


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, auth):
    auth.create("sam")
    other_device = app.test_client()
    sign_in(client)
    sign_in(other_device)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"},
    )
    assert response.status_code == 302
    assert client.get("/progress").status_code == 200
    assert other_device.get("/progress").status_code == 302


@pytest.fixture
def gradebook_world(app, auth, sample_course):
    """An admin's class with a student who has a submitted attempt."""
    admin = auth.create("admin", "admin")
    student = auth.create("student")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
        classroom = Classroom(name="Year 9", owner_id=admin, course_id=course_id)
        db.session.add(classroom)
        db.session.flush()
        db.session.add(Enrollment(user_id=student, classroom_id=classroom.id))
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        attempt = Attempt(
            user_id=student,
            quiz_id=quiz.id,
            number=1,
            snapshot=[],
            max_score=1,
            results=[],
            score=0,
            percent=0,
            passed=False,
            submitted_at=db.func.now(),
        )
        db.session.add(attempt)
        db.session.commit()
        return {
            "classroom_id": classroom.id,
            "user_id": student,
            "attempt_id": attempt.id,
            "slug": sample_course,
            "quiz_slug": "basics-quiz",
            "lesson_slug": "what-a-card-is",
            "name": "card.svg",
        }


# Course material, the same for everyone who may see it: these choose their own caching.
COURSE_FILES = {
    "static",
    "learn.figure",
    "transfer.export_zip",
    "transfer.export_gift_file",
    "transfer.export_moodle_xml_file",
}


def test_every_signed_in_page_is_kept_out_of_caches(app, client, auth, gradebook_world):
    sign_in(client, "admin")
    checked = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in COURSE_FILES:
            continue
        url = rule.rule
        for argument in rule.arguments:
            value = str(gradebook_world.get(argument, "x"))
            url = url.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
        response = client.get(url)
        if response.status_code == 200:
            assert response.headers["Cache-Control"] == "no-store", url
            checked.add(rule.endpoint)
    assert {
        "learn.my_progress",
        "quiz.attempt",
        "classroom.gradebook",
        "classroom.gradebook_export",
        "classroom.student",
        "classroom.item_analysis",
        "classroom.import_roster",
        "classroom.classroom",
        "auth.account",
        "classroom.change_password",
    } <= checked


def test_a_course_figure_keeps_its_own_caching_and_public_pages_are_unchanged(app, client, auth, gradebook_world):
    assert "Cache-Control" not in client.get("/login").headers
    sign_in(client, "student")
    figure = client.get(f"/courses/{gradebook_world['slug']}/figures/card.svg")
    assert figure.status_code == 200 and figure.headers["Cache-Control"] == "private, max-age=3600"
