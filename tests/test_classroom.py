"""Classes and accounts: who may see what (route × role matrix), classes for a course, joining with a code,
roster imports (all or nothing), one-time passwords, resets, removal, and account administration."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from course import create_app
from course.extensions import db
from course.models import Attempt, Classroom, Course, Enrollment, Quiz, User
from course.quiz.attempts import start_attempt, submit_attempt
from tests.conftest import PASSWORD
from tests.dom import input_value, parse

NEW_PASSWORD = "my own new password"


def make_class(app, name: str, owner_id: int, member_ids=(), course_slug: str = "sample-course") -> int:
    """A class of `owner_id` on a course, with members enrolled; returns its id."""
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == course_slug))
        classroom = Classroom(name=name, owner_id=owner_id, course_id=course_id)
        db.session.add(classroom)
        db.session.flush()
        db.session.add_all(Enrollment(user_id=user_id, classroom_id=classroom.id) for user_id in member_ids)
        db.session.commit()
        return classroom.id


def submitted_attempt(app, user_id: int, quiz_slug: str = "basics-quiz") -> int:
    """A submitted, blank attempt: enough for pages that list or show attempts."""
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == quiz_slug))
        attempt = start_attempt(quiz, user_id)
        submit_attempt(attempt, {}, quiz.pass_mark)
        return attempt.id


def add_users(app, roles: dict[str, str]) -> dict[str, int]:
    """Accounts with PASSWORD, hashed as cheaply as the suite's other accounts, in one commit."""
    with app.app_context():
        users = {name: User(username=name, role=role) for name, role in roles.items()}
        for user in users.values():
            user.set_password(PASSWORD)
        db.session.add_all(users.values())
        db.session.commit()
        return {name: user.id for name, user in users.items()}


def one_time_passwords(page: str) -> list[str]:
    """The passwords the printable slips show, slip by slip."""
    return [term.next_element.text for term in parse(page).all("dl dt") if term.text == "One-time password"]


@pytest.fixture
def world(app, sample_course):
    """An admin; a teacher whose class has the student sam; another teacher with a class of their own; a
    student in no class (outsider)."""
    ids = add_users(
        app, {"admin": "admin", "teacher": "instructor", "other": "instructor", "sam": "student", "outsider": "student"}
    )
    return SimpleNamespace(
        **ids,
        own_class=make_class(app, "Year 10", ids["teacher"], [ids["sam"]]),
        other_class=make_class(app, "Year 11", ids["other"], [ids["outsider"]]),
    )


def sign_in_as(auth, name: str | None) -> None:
    if name:
        assert auth.login(name).status_code == 302


def user(app, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def class_routes(w) -> list[tuple[str, str]]:
    base = f"/teach/classes/{w.own_class}"
    return [
        ("GET", base),
        ("GET", f"{base}/edit"),
        ("GET", f"{base}/delete"),
        ("GET", f"{base}/roster"),
        ("GET", f"{base}/gradebook"),
        ("GET", f"{base}/gradebook.csv"),
        ("GET", f"{base}/students/{w.sam}"),
        ("GET", f"{base}/students/{w.sam}/reset-password"),
        ("GET", f"{base}/students/{w.sam}/remove"),
        ("GET", f"{base}/quizzes/basics-quiz/analysis"),
        ("POST", f"{base}/join-code"),
        ("POST", f"{base}/open"),
        ("POST", f"{base}/edit"),
        ("POST", f"{base}/roster"),
        ("POST", f"{base}/students/{w.sam}/reset-password"),
        ("POST", f"{base}/students/{w.sam}/remove"),
        ("POST", f"{base}/delete"),
    ]


def admin_routes(w) -> list[tuple[str, str]]:
    return [
        ("GET", "/teach/admin/users"),
        ("GET", "/teach/admin/users/new"),
        ("GET", f"/teach/admin/users/{w.sam}/reset-password"),
        ("GET", f"/teach/admin/users/{w.sam}/delete"),
        ("POST", "/teach/admin/users/new"),
        ("POST", f"/teach/admin/users/{w.sam}/role"),
        ("POST", f"/teach/admin/users/{w.sam}/reset-password"),
        ("POST", f"/teach/admin/users/{w.sam}/delete"),
    ]


# Expected status per role: a class's pages are 404 to an instructor of another class, so ids reveal nothing.
MATRIX = {
    None: {"class": 302, "teach": 302, "admin": 302, "student": 302},
    "sam": {"class": 403, "teach": 403, "admin": 403, "student": 200},
    "other": {"class": 404, "teach": 200, "admin": 403, "student": 200},
    "teacher": {"class": 200, "teach": 200, "admin": 403, "student": 200},
    "admin": {"class": 200, "teach": 200, "admin": 200, "student": 200},
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_every_route_checks_the_role(app, client, auth, world, role):
    sign_in_as(auth, role)
    expected = MATRIX[role]
    groups = [("class", method, url) for method, url in class_routes(world)]
    groups += [
        ("teach", method, url)
        for method, url in [
            ("GET", "/teach/"),
            ("GET", "/teach/classes/new"),
            ("POST", "/teach/classes/new"),
            ("POST", "/teach/open-registration"),
        ]
    ]
    groups += [("admin", method, url) for method, url in admin_routes(world)]
    groups += [("student", "GET", "/classes/join"), ("student", "GET", "/account/password")]
    for group, method, url in groups:
        response = client.open(url, method=method)
        wanted = expected[group]
        # Allowed POSTs answer with a page (a form with errors, a confirmation result) or a redirect.
        ok = {200, 302} if wanted == 200 and method == "POST" else {wanted}
        assert response.status_code in ok, (role, method, url, response.status_code)
        if wanted == 302 and role is None:
            assert "/login" in response.location, url


@pytest.mark.parametrize(
    "viewer, status",
    [(None, 302), ("sam", 200), ("outsider", 404), ("other", 404), ("teacher", 200), ("admin", 200)],
)
def test_attempt_results_are_visible_to_the_student_their_instructors_and_admins(
    app, client, auth, world, viewer, status
):
    attempt_id = submitted_attempt(app, world.sam)
    sign_in_as(auth, viewer)
    assert client.get(f"/attempts/{attempt_id}").status_code == status


def test_instructor_creates_a_class_for_a_course(app, client, auth, world):
    sign_in_as(auth, "teacher")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    form = client.get("/teach/classes/new").get_data(as_text=True)
    assert "Sample course" in form and 'name="owner_id"' not in form  # only admins pick the instructor
    response = client.post("/teach/classes/new", data={"name": "  Tuesday group ", "course_id": course_id})
    assert response.status_code == 302
    with app.app_context():
        classroom = db.session.scalar(select(Classroom).where(Classroom.name == "Tuesday group"))
        assert (classroom.owner_id, classroom.course_id, classroom.is_open) == (world.teacher, course_id, True)
        assert re.fullmatch(r"[A-Z2-9]{8}", classroom.join_code)
    page = client.get(response.location).get_data(as_text=True)
    assert classroom.join_code in page and "Gradebook" in page


def test_class_form_errors_are_shown_at_the_field_and_create_nothing(app, client, auth, world):
    sign_in_as(auth, "teacher")
    before = class_count(app)
    page = client.post("/teach/classes/new", data={"name": "", "course_id": 999}).get_data(as_text=True)
    assert "This field is required." in page and "Not a valid choice." in page
    assert class_count(app) == before


def class_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Classroom.id)))


def test_instructors_see_only_their_own_classes_and_admins_see_all(client, auth, world):
    sign_in_as(auth, "teacher")
    page = client.get("/teach/").get_data(as_text=True)
    assert "Year 10" in page and "Year 11" not in page
    auth.logout()
    sign_in_as(auth, "admin")
    page = client.get("/teach/").get_data(as_text=True)
    assert "Year 10" in page and "Year 11" in page


def test_admin_hands_a_class_over_to_another_instructor(app, client, auth, world):
    sign_in_as(auth, "admin")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    response = client.post(
        f"/teach/classes/{world.own_class}/edit",
        data={"name": "Year 10", "course_id": course_id, "owner_id": world.other},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, world.own_class).owner_id == world.other


def test_join_code_buttons_return_to_the_class_page(app, client, auth, world):
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{world.own_class}"
    response = client.post(f"{url}/join-code", data={"next": url})
    assert response.status_code == 302 and response.location == url
    response = client.post(f"{url}/open", data={"next": "https://evil.example/"})
    assert response.location == "/teach/"
    with app.app_context():
        assert db.session.get(Classroom, world.own_class).is_open is False


def test_signed_in_student_joins_a_class_with_its_code(app, client, auth, world):
    with app.app_context():
        code = db.session.get(Classroom, world.own_class).join_code
    sign_in_as(auth, "outsider")
    loose = " " + code.lower()[:4] + " " + code.lower()[4:]
    response = client.post("/classes/join", data={"join_code": loose})
    assert response.status_code == 302 and response.location == "/courses/sample-course"
    assert "You joined Year 10" in client.get("/classes/join").get_data(as_text=True)
    response = client.post("/classes/join", data={"join_code": code}, follow_redirects=True)
    assert "You are already in Year 10" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.user_id == world.outsider)) == 2


def test_joining_a_closed_or_unknown_class_changes_nothing(app, client, auth, world):
    with app.app_context():
        classroom = db.session.get(Classroom, world.own_class)
        classroom.is_open = False
        code = classroom.join_code
        db.session.commit()
    sign_in_as(auth, "outsider")
    for typed in (code, "NOPE2345", ""):
        page = client.post("/classes/join", data={"join_code": typed}).get_data(as_text=True)
        assert "No open class has this code" in page or "This field is required" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.user_id == world.outsider)) == 1


ROSTER = "username,display name\nana.lopez,Ana López\nBen_K;x\n\n  cy  ,\n"


def import_roster(client, classroom_id: int, text: str, as_file: bool = True):
    from io import BytesIO

    data = (
        {"roster_file": (BytesIO(text.encode() if isinstance(text, str) else text), "roster.csv")}
        if as_file
        else {"roster_text": text}
    )
    return client.post(f"/teach/classes/{classroom_id}/roster", data=data, content_type="multipart/form-data")


def test_roster_import_creates_accounts_with_one_time_passwords_shown_once(app, client, auth, world):
    sign_in_as(auth, "teacher")
    response = import_roster(client, world.own_class, "username,display name\nana.lopez,Ana López\nBEN_K,<b>Ben</b>\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "2 accounts created in Year 10" in page and "@media print" not in page  # print rules live in the CSS
    passwords = one_time_passwords(page)
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password) for password in passwords)
    assert len(passwords) == 2 and len(set(passwords)) == 2
    assert "Ana López" in page and "ben_k" in page and "&lt;b&gt;Ben&lt;/b&gt;" in page and "<b>Ben" not in page
    with app.app_context():
        created = db.session.scalars(select(User).where(User.username.in_(["ana.lopez", "ben_k"]))).all()
        assert {u.role for u in created} == {"student"} and all(u.must_change_password for u in created)
        assert all(p not in u.password_hash for u in created for p in passwords)  # stored only as hashes
        assert {e.classroom_id for u in created for e in u.enrollments} == {world.own_class}
    auth.logout()
    assert auth.login("ana.lopez", passwords[0]).status_code == 302


def test_pasted_roster_with_semicolons_is_read_too(app, client, auth, world):
    sign_in_as(auth, "teacher")
    page = import_roster(client, world.own_class, "dee;Dee Dee\nemil;Emil", as_file=False).get_data(as_text=True)
    assert "2 accounts created" in page
    assert user(app, "dee").display_name == "Dee Dee"


@pytest.mark.parametrize(
    "text, message",
    [
        ("ok.one,One\nx,Too short\n", "Row 2, column username: “x” cannot be a username."),
        ("ok.one,One\nok.two,Two,extra\n", "Row 2, column 3: unexpected value"),
        ("ok.one,One\nOK.ONE,Again\n", "Row 2, column username: “ok.one” is already in row 1."),
        ("ok.one,One\nsam,Sam\n", "Row 2, column username: “sam” is already an account on this site."),
        ("ok.one," + "n" * 81 + "\n", "Row 1, column display name: use at most 80 characters."),
        (",No username\n", "Row 1, column username: the username is missing."),
        ("username,display name\n\n", "The file holds no students."),
        (b"ok.one,Jos\xe9\n", "The file is not UTF-8 text."),
    ],
)
def test_a_malformed_roster_names_row_and_column_and_creates_nothing(app, client, auth, world, text, message):
    sign_in_as(auth, "teacher")
    with app.app_context():
        users_before = db.session.scalar(select(func.count(User.id)))
    page = import_roster(client, world.own_class, text).get_data(as_text=True)
    assert "Nothing was imported" in page and message in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == users_before
        assert user(app, "ok.one") is None


def test_every_problem_of_a_roster_is_listed_at_once(client, auth, world):
    sign_in_as(auth, "teacher")
    page = import_roster(client, world.own_class, "good.one,A\nx,B\ngood.two,C,D\ngood.one,E\n").get_data(as_text=True)
    assert "3 problems" in page
    assert page.index("Row 2,") < page.index("Row 3,") < page.index("Row 4,")


def test_an_empty_roster_form_asks_for_a_file(client, auth, world):
    sign_in_as(auth, "teacher")
    page = client.post(f"/teach/classes/{world.own_class}/roster", data={}).get_data(as_text=True)
    assert "Choose a CSV file, or paste the rows below." in page


def test_one_time_password_must_be_replaced_at_first_sign_in(app, client, auth, world):
    sign_in_as(auth, "teacher")
    page = import_roster(client, world.own_class, "ana.lopez,Ana\n").get_data(as_text=True)
    (one_time,) = one_time_passwords(page)
    auth.logout()
    assert auth.login("ana.lopez", one_time).status_code == 302
    for url in ("/", "/courses/sample-course", "/progress", "/classes/join"):
        response = client.get(url)
        assert response.status_code == 302 and response.location == "/account/password", url
    page = client.get("/account/password").get_data(as_text=True)
    assert "one-time password" in page and 'name="current_password"' not in page
    page = client.post("/account/password", data={"password": one_time, "confirm": one_time}).get_data(as_text=True)
    assert "different from the one you signed in with" in page
    page = client.post("/account/password", data={"password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "Use at least 8 characters." in page
    response = client.post("/account/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert user(app, "ana.lopez").must_change_password is False
    auth.logout()
    assert auth.login("ana.lopez", one_time).status_code == 200  # the one-time password is gone
    assert auth.login("ana.lopez", NEW_PASSWORD).status_code == 302


def test_changing_a_password_later_asks_for_the_current_one(app, client, auth, world):
    sign_in_as(auth, "sam")
    new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    page = client.post("/account/password", data={"current_password": "wrong", **new})
    assert "This is not your current password." in page.get_data(as_text=True)
    response = client.post("/account/password", data={"current_password": PASSWORD, **new})
    assert response.status_code == 302
    auth.logout()
    assert auth.login("sam", NEW_PASSWORD).status_code == 302


def test_instructor_resets_a_students_password_with_a_one_time_code(app, client, auth, world):
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{world.own_class}/students/{world.sam}/reset-password"
    assert "Reset the password of sam?" in client.get(url).get_data(as_text=True)
    response = client.post(url)
    assert response.headers["Cache-Control"] == "no-store"
    (one_time,) = one_time_passwords(response.get_data(as_text=True))
    auth.logout()
    assert auth.login("sam").status_code == 200  # the old password no longer works
    assert auth.login("sam", one_time).status_code == 302
    assert client.get("/").location == "/account/password"


def test_instructors_cannot_reset_or_remove_non_students_in_their_class(app, client, auth, world):
    with app.app_context():
        db.session.add(Enrollment(user_id=world.other, classroom_id=world.own_class))
        db.session.commit()
    sign_in_as(auth, "teacher")
    base = f"/teach/classes/{world.own_class}/students/{world.other}"
    assert client.post(f"{base}/reset-password").status_code == 404
    assert client.post(f"{base}/remove").status_code == 404
    # nor students of a class that is not theirs
    assert client.post(f"/teach/classes/{world.own_class}/students/{world.outsider}/remove").status_code == 404


def test_instructor_removes_a_student_who_keeps_account_and_attempts(app, client, auth, world):
    submitted_attempt(app, world.sam)
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{world.own_class}/students/{world.sam}/remove"
    assert "Remove sam from Year 10?" in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == world.sam)) is None
        assert db.session.get(User, world.sam) is not None
        assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == world.sam)) == 1
    # removed students are no longer the teacher's to see
    assert client.get(f"/teach/classes/{world.own_class}/students/{world.sam}").status_code == 404


def test_deleting_a_class_keeps_its_students(app, client, auth, world):
    sign_in_as(auth, "teacher")
    assert client.post(f"/teach/classes/{world.own_class}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, world.own_class) is None
        assert db.session.get(User, world.sam) is not None


def test_reports_of_a_class_without_a_course_ask_for_one(app, client, auth, world):
    with app.app_context():
        db.session.get(Classroom, world.own_class).course_id = None
        db.session.commit()
    sign_in_as(auth, "teacher")
    response = client.get(f"/teach/classes/{world.own_class}/gradebook")
    assert response.status_code == 302 and response.location.endswith(f"/teach/classes/{world.own_class}/edit")


def test_admin_lists_and_finds_accounts(client, auth, world):
    sign_in_as(auth, "admin")
    page = client.get("/teach/admin/users").get_data(as_text=True)
    assert all(name in page for name in ("teacher", "other", "sam", "outsider")) and "5 accounts" in page
    page = client.get("/teach/admin/users?q=OUT").get_data(as_text=True)
    assert "outsider" in page and ">sam<" not in page and "1 account matching" in page
    assert "0 accounts matching “%”" in client.get("/teach/admin/users?q=%25").get_data(as_text=True)


def test_admin_changes_roles_but_not_their_own(app, client, auth, world):
    sign_in_as(auth, "admin")
    response = client.post(f"/teach/admin/users/{world.sam}/role", data={f"user-{world.sam}-role": "instructor"})
    assert response.status_code == 302
    assert user(app, "sam").role == "instructor"
    assert (
        client.post(f"/teach/admin/users/{world.sam}/role", data={f"user-{world.sam}-role": "emperor"}).status_code
        == 400
    )
    assert (
        client.post(f"/teach/admin/users/{world.admin}/role", data={f"user-{world.admin}-role": "student"}).status_code
        == 403
    )
    assert user(app, "admin").role == "admin"


def test_admin_deletes_an_account_after_confirmation(app, client, auth, world):
    submitted_attempt(app, world.sam)
    sign_in_as(auth, "admin")
    url = f"/teach/admin/users/{world.sam}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Delete the account sam (student)?" in page and "1 quiz attempt and lesson progress stay" in page
    assert user(app, "sam") is not None  # a GET only asks
    assert client.post(url).status_code == 302
    assert user(app, "sam") is None
    with app.app_context():  # kept for the class's statistics only under an anonymous placeholder (issue 12)
        owners = db.session.scalars(select(User).join(Attempt, Attempt.user_id == User.id)).all()
        assert all(owner.placeholder and owner.username.startswith("former-") for owner in owners)
    page = client.get(f"/teach/admin/users/{world.teacher}/delete").get_data(as_text=True)
    assert "1 class they teach stay" in page
    assert client.post(f"/teach/admin/users/{world.admin}/delete").status_code == 403


def test_admin_creates_an_instructor_and_resets_passwords(app, client, auth, world):
    sign_in_as(auth, "admin")
    page = client.post("/teach/admin/users/new", data={"username": "New.Teacher", "role": "instructor"}).get_data(
        as_text=True
    )
    assert "Account new.teacher created (instructor)" in page
    assert user(app, "new.teacher").must_change_password
    page = client.post("/teach/admin/users/new", data={"username": "sam", "role": "student"}).get_data(as_text=True)
    assert "This username is taken." in page
    response = client.post(f"/teach/admin/users/{world.teacher}/reset-password")
    (one_time,) = one_time_passwords(response.get_data(as_text=True))
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", one_time)
    assert user(app, "teacher").must_change_password


def test_state_changing_posts_need_a_csrf_token(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
        }
    )
    with app.app_context():
        db.create_all()
        teacher = User(username="teacher", role="admin")
        teacher.set_password(PASSWORD)
        db.session.add(teacher)
        db.session.add(Classroom(name="C", owner=teacher))
        db.session.commit()
        classroom_id = db.session.scalar(select(Classroom.id))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = input_value(page, "csrf_token")
    client.post("/login", data={"username": "teacher", "password": PASSWORD, "csrf_token": token})
    for url in (
        f"/teach/classes/{classroom_id}/roster",
        f"/teach/classes/{classroom_id}/delete",
        "/classes/join",
        f"/teach/classes/{classroom_id}/join-code",
        "/teach/admin/users/new",
        "/account/password",
    ):
        assert client.post(url, data={"join_code": "X", "roster_text": "a.b,c"}).status_code == 400, url
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1
        assert db.session.get(Classroom, classroom_id) is not None
        db.drop_all()
        db.engine.dispose()


def test_migration_matches_the_models_for_classes_and_one_time_passwords(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"}
    )
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
            inspector = inspect(connection)
            assert "course_id" in {c["name"] for c in inspector.get_columns("classrooms")}
            assert "must_change_password" in {c["name"] for c in inspector.get_columns("users")}
            assert "ix_enrollments_classroom_id" in {i["name"] for i in inspector.get_indexes("enrollments")}
        mine = ("'classrooms'", "'enrollments'", "must_change_password", "'users'")
        assert [d for d in diffs if any(name in repr(d) for name in mine)] == []
        db.engine.dispose()
