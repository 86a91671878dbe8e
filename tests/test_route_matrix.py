"""Every route × every role: anonymous visitors are sent to sign in, students never reach instructor pages,
an instructor never reaches another instructor's class or course, and administrators reach every class and course.

The routes are read from the app's URL map, so a new route is covered the moment it is added."""

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Attempt, Classroom, Course, CourseOwner, Enrollment, Quiz

PUBLIC = {"auth.setup", "auth.login", "auth.register", "auth.my_data", "static", "healthz", "i18n.choose_language"}
# /healthz answers 503 on purpose until the database is at the migrations' head; tests build theirs without Alembic.
NOT_MIGRATED = {"healthz": 503}
INSTRUCTOR_BLUEPRINTS = ("author.", "transfer.")


@pytest.fixture
def world(app, auth, sample_course):
    """Two instructors with a class each (the first owns the course too), a student in the first class with an
    attempt, and an admin."""
    owner = auth.create("owner", "instructor")
    other = auth.create("other", "instructor")
    auth.create("admin", "admin")
    student = auth.create("student")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
        mine = Classroom(name="Mine", owner_id=owner, course_id=course_id)
        theirs = Classroom(name="Theirs", owner_id=other)
        db.session.add_all([mine, theirs])
        db.session.flush()
        db.session.add(Enrollment(user_id=student, classroom_id=mine.id))
        db.session.add(CourseOwner(course_id=course_id, user_id=owner))
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
            "classroom_id": mine.id,
            "user_id": student,
            "attempt_id": attempt.id,
            "slug": sample_course,
            "quiz_slug": "basics-quiz",
            "lesson_slug": "what-a-card-is",
            "name": "card.svg",
        }


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, method


def url_for_rule(rule, values: dict) -> str:
    """Fill a rule with the world's real ids where they fit, and harmless stand-ins elsewhere."""
    url = rule.rule
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        value = values.get(argument, 999999 if converter == "IntegerConverter" else "x")
        url = url.replace(f"<int:{argument}>", str(value)).replace(f"<{argument}>", str(value))
        url = url.replace(f"<path:{argument}>", str(value))
    return url


def call(client, rule, method, values):
    url = url_for_rule(rule, values)
    return url, (client.get(url) if method == "GET" else client.post(url, data={}))


def test_anonymous_visitors_are_sent_to_sign_in_everywhere_but_the_door(app, client, world):
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("lab."):
            continue
        url, response = call(client, rule, method, world)
        assert response.status_code == 302 and "/login" in response.location, (url, response.status_code)


def test_the_lab_lets_anonymous_visitors_look_but_not_save(app, client, world):
    for rule, method in routes(app):
        if not rule.endpoint.startswith("lab."):
            continue
        url, response = call(client, rule, method, world)
        if method == "POST" and rule.endpoint not in ("lab.index", "lab.preview"):
            assert response.status_code in (302, 400, 404), url
            if response.status_code == 302:
                assert "/login" in response.location, url
        assert response.status_code != 500, url


def is_instructor_route(rule) -> bool:
    return rule.endpoint.startswith(INSTRUCTOR_BLUEPRINTS) or rule.rule.startswith("/teach")


def test_students_get_403_on_every_instructor_route(app, client, auth, world):
    auth.login("student")
    for rule, method in routes(app):
        if is_instructor_route(rule) and rule.endpoint != "auth.logout":
            url, response = call(client, rule, method, world)
            assert response.status_code == 403, (url, response.status_code)


def test_instructors_cannot_reach_another_instructors_class(app, client, auth, world):
    auth.login("other")
    for rule, method in routes(app):
        if rule.rule.startswith("/teach/classes/<int:classroom_id>"):
            url, response = call(client, rule, method, world)
            assert response.status_code in (403, 404), (url, response.status_code)
    assert client.get(f"/attempts/{world['attempt_id']}").status_code == 404


def is_course_route(rule) -> bool:
    return rule.endpoint.startswith(INSTRUCTOR_BLUEPRINTS) and "slug" in rule.arguments


def test_instructors_get_403_on_every_route_of_another_instructors_course(app, client, auth, world):
    auth.login("other")
    checked = 0
    for rule, method in routes(app):
        if is_course_route(rule):
            url, response = call(client, rule, method, world)
            assert response.status_code == 403, (url, response.status_code)
            checked += 1
    assert checked >= 30


def test_the_course_owner_and_admins_reach_the_course(app, client, auth, world):
    for username in ("owner", "admin"):
        auth.login(username)
        for rule, method in routes(app):
            if is_course_route(rule) and method == "GET":
                url, response = call(client, rule, method, world)
                assert response.status_code not in (403, 500), (username, url, response.status_code)
        auth.logout()


def test_the_class_owner_and_admins_reach_every_page_of_the_class(app, client, auth, world):
    for username in ("owner", "admin"):
        auth.login(username)
        for rule, method in routes(app):
            if rule.rule.startswith("/teach/classes/<int:classroom_id>") and method == "GET":
                url, response = call(client, rule, method, world)
                assert response.status_code == 200, (username, url, response.status_code)
        assert client.get(f"/attempts/{world['attempt_id']}").status_code == 200
        auth.logout()


def test_no_route_fails_with_a_server_error_for_any_role(app, client, auth, world):
    for username in (None, "student", "other", "owner", "admin"):
        if username:
            auth.login(username)
        for rule, method in routes(app):
            if rule.endpoint in ("auth.logout", "auth.sign_out_everywhere"):
                continue
            url, response = call(client, rule, method, world)
            if response.status_code == NOT_MIGRATED.get(rule.endpoint):
                continue
            assert response.status_code < 500, (username, method, url, response.status_code)
        if username:
            auth.logout()
