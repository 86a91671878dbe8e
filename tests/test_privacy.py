"""Learner privacy (issue 12): the declarations behind "What Lanyard keeps about you", the export, deletion with
nothing orphaned, retention with --dry-run, the access log students read, and the generated privacy notice."""

import csv
import io
import json
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, or_, select

from course.extensions import db
from course.models import Attempt, AuditEvent, Classroom, Course, Enrollment, Lesson, LessonProgress, Quiz, User
from course.models.lab import LabDesign, LabSubmission
from course.models.privacy import DeletionRequest, RecordView, not_personal
from course.models.users import UserSession, utcnow
from course.privacy.declarations import personal_tables, undeclared_columns
from course.privacy.notice import privacy_notice
from course.quiz.attempts import start_attempt, submit_attempt
from tests.conftest import PASSWORD
from tests.dom import parse

ROOT = Path(__file__).resolve().parent.parent


# -- helpers ---------------------------------------------------------------------------------------------------


def make_class(app, name: str, owner_id: int, course_slug: str | None = None, **settings) -> int:
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == course_slug)) if course_slug else None
        classroom = Classroom(name=name, owner_id=owner_id, course_id=course_id, **settings)
        db.session.add(classroom)
        db.session.commit()
        return classroom.id


def enrol(app, user_id: int, classroom_id: int) -> None:
    with app.app_context():
        db.session.add(Enrollment(user_id=user_id, classroom_id=classroom_id))
        db.session.commit()


def take_quiz(app, user_id: int, quiz_slug: str = "basics-quiz") -> int:
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == quiz_slug))
        attempt = start_attempt(quiz, user_id)
        first = attempt.snapshot[0]
        submit_attempt(attempt, {first["key"]: "my own words"}, quiz.pass_mark)
        return attempt.id


def give_records(app, user_id: int) -> None:
    """A display name, an email, lesson progress, an attempt, a lab design and a lab submission."""
    with app.app_context():
        user = db.session.get(User, user_id)
        user.display_name, user.email = "Ada Quill", "ada@example.org"
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "what-a-card-is"))
        db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id, completed_at=utcnow()))
        db.session.add(LabDesign(user_id=user_id, title="Ada's card", design={"chip": "none"}))
        db.session.add(
            LabSubmission(
                user_id=user_id,
                task_slug="no-remote-read",
                design={"chip": "none"},
                checks=[{"id": "x", "passed": True}],
                passed=True,
            )
        )
        db.session.commit()
    take_quiz(app, user_id)


def world(app, auth, sample_course) -> dict:
    """A teacher with a class of the sample course, a student in it with records, another student, another
    teacher, and an admin."""
    ids = {
        "teacher": auth.create("teacher", "instructor"),
        "stranger": auth.create("stranger", "instructor"),
        "admin": auth.create("admin", "admin"),
        "ada": auth.create("ada"),
        "bob": auth.create("bob"),
    }
    ids["class"] = make_class(app, "Year 10", ids["teacher"], sample_course)
    enrol(app, ids["ada"], ids["class"])
    enrol(app, ids["bob"], ids["class"])
    give_records(app, ids["ada"])
    take_quiz(app, ids["bob"])
    return ids


def export_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def every_value(connection_rows) -> str:
    return json.dumps([list(row) for row in connection_rows], default=str, ensure_ascii=False)


# -- declarations ----------------------------------------------------------------------------------------------


def test_every_column_of_every_table_declares_why_who_and_how_long(app):
    with app.app_context():
        assert undeclared_columns() == [], "declare these columns with info=personal(...) or not_personal(...)"
        for table in personal_tables():
            for column in table.personal_columns:
                assert column.purpose and column.readers and column.kept, f"{table.name}.{column.name}"


def test_a_column_without_a_declaration_fails_the_check(app):
    metadata = MetaData()
    Table(
        "notes",
        metadata,
        Column("id", Integer, primary_key=True, info=not_personal("row")),
        Column("about_a_student", Text),
    )
    with app.app_context():
        assert undeclared_columns(metadata) == ["notes.about_a_student"]


def test_no_column_anywhere_keeps_an_address_with_learning_records(app):
    with app.app_context():
        for table in db.metadata.tables.values():
            for column in table.columns:
                if any(word in column.name for word in ("address", "ip_", "user_agent")):
                    assert table.name == "audit_events", f"{table.name}.{column.name}"


# -- the data page ---------------------------------------------------------------------------------------------


def test_every_page_links_the_data_page_from_its_footer(client, auth, sample_course):
    auth.create("admin", "admin")  # past the first-run setup
    assert 'href="/account/data"' in client.get("/login").get_data(as_text=True)
    assert 'href="/account/data"' in client.get("/register").get_data(as_text=True)
    auth.as_role("student")
    assert 'href="/account/data"' in client.get("/").get_data(as_text=True)


def test_the_data_page_shows_each_declaration_with_the_students_own_values(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    auth.login("ada")
    html = client.get("/account/data").get_data(as_text=True)
    assert "What Lanyard keeps about you" in html
    with app.app_context():
        for table in personal_tables():
            assert table.title in html
            for column in table.personal_columns:
                assert column.purpose.replace("'", "&#39;") in html, column.name
    assert "ada@example.org" in html and "Ada Quill" in html and "Ada&#39;s card" in html
    assert "bob" not in parse(html).innermost("section", "Your classes").text
    with app.app_context():
        stored_hash = db.session.scalar(select(User.password_hash).where(User.username == "ada"))
    method, _, secret = stored_hash.partition("$")
    assert method not in html and secret not in html  # the password hash is named, never shown
    assert "12 hours" in html and "30 days" in html  # session lengths and the remember-me cookie
    assert ids


def test_visitors_read_what_is_kept_without_anyones_values(app, client, auth, sample_course):
    world(app, auth, sample_course)
    response = client.get("/account/data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your account" in html and "ada@example.org" not in html


def test_registration_says_what_is_kept_and_links_the_data_page(client, auth):
    auth.create("admin", "admin")
    html = client.get("/register").get_data(as_text=True)
    assert "Lanyard keeps your username" in html and 'href="/account/data"' in html


# -- export ----------------------------------------------------------------------------------------------------


def _rows_in_database(user_id: int) -> dict[str, list[dict]]:
    """Every row about the account, read straight from the tables, for comparison with the export."""
    found = {}
    for table in personal_tables():
        real = db.metadata.tables[table.name]
        conditions = [c == user_id for c in real.columns if any(k.column.table.name == "users" for k in c.foreign_keys)]
        if table.name == "users":
            conditions.append(real.c.id == user_id)
        if table.name in ("answer_marks", "attempt_summaries"):
            conditions.append(real.c.attempt_id.in_(select(Attempt.id).where(Attempt.user_id == user_id)))
        if table.name == "audit_events":
            username = db.session.get(User, user_id).username
            conditions.append(real.c.target == f"account {username}")
        if not conditions:
            found[table.name] = []
            continue
        rows = db.session.execute(select(real).where(or_(*conditions)).order_by(*real.primary_key.columns))
        found[table.name] = [dict(row._mapping) for row in rows]
    return found


def _as_json(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def test_the_export_holds_every_field_of_every_row_about_the_student(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    auth.login("ada")
    archive = export_of(client.get("/account/data/export"))
    names = set(archive.namelist())
    assert {"README.html", "data.json"} <= names
    document = json.loads(archive.read("data.json"))
    with app.app_context():
        expected = _rows_in_database(ids["ada"])
        declared = {table.name: table for table in personal_tables()}
    for table, rows in expected.items():
        exported = document["tables"][table]
        assert len(exported) == len(rows), table
        for exported_row, row in zip(exported, rows, strict=True):
            for column, value in row.items():
                info = next(c for c in declared[table].columns if c.name == column)
                if not info.shown:
                    assert column not in exported_row, f"{table}.{column} is a secret"
                    continue
                if table == "attempts" and column == "snapshot":
                    value = [{k: v for k, v in q.items() if k != "private"} for q in value]
                assert exported_row[column] == _as_json(value), f"{table}.{column}"
        assert f"csv/{table}.csv" in names
        lines = list(csv.reader(io.StringIO(archive.read(f"csv/{table}.csv").decode("utf-8-sig"))))
        assert len(lines) == 1 + len(rows), table
    for wanted in ("users", "enrollments", "lesson_progress", "attempts", "lab_designs", "lab_submissions"):
        assert expected[wanted], f"the test world should give ada some {wanted}"
    assert all(row["user_id"] == ids["ada"] for row in document["tables"]["attempts"])
    assert "private" not in json.dumps(document["tables"]["attempts"])  # the answer key stays on the server
    readable = archive.read("README.html").decode()
    assert "Year 10" in readable and "Your answer: my own words" in readable and "Ada&#39;s card" in readable


def test_instructors_export_their_students_and_admins_anyone_and_the_student_sees_it(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    auth.login("stranger")
    assert client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}/export").status_code == 404
    assert client.get(f"/teach/admin/users/{ids['ada']}/export").status_code == 403
    auth.logout()
    auth.login("teacher")
    document = json.loads(
        export_of(client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}/export")).read("data.json")
    )
    assert document["account"] == "ada"
    auth.logout()
    auth.login("admin")
    assert (
        json.loads(export_of(client.get(f"/teach/admin/users/{ids['bob']}/export")).read("data.json"))["account"]
        == "bob"
    )
    auth.logout()
    auth.login("ada")
    html = client.get("/account/data").get_data(as_text=True)
    assert "an export of all their data, from the class Year 10" in html and "teacher" in html


# -- deletion --------------------------------------------------------------------------------------------------


def test_deleting_needs_the_password_and_the_confirmation(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    auth.login("ada")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "anonymous placeholder" in page and "gradebook" in page  # what happens to attempts in reports
    wrong = client.post("/account/delete", data={"password": "not it", "confirm": "y"})
    assert "This is not your password." in wrong.get_data(as_text=True)
    unticked = client.post("/account/delete", data={"password": PASSWORD})
    assert "Tick this box" in unticked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is not None


def _assert_nothing_left_of(user_id: int, secrets: list[str]) -> None:
    """No column anywhere points at the account, no foreign key points at a missing row, and no value anywhere
    holds the person's username, name or email."""
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        text_of_table = every_value(rows)
        for secret in secrets:
            assert secret not in text_of_table, f"{secret!r} left in {table.name}"
        for column in table.columns:
            for key in column.foreign_keys:
                parent = key.column
                if parent.table.name == "users":
                    assert not db.session.scalar(select(column).where(column == user_id).limit(1)), (
                        f"{table.name}.{column.name} still points at the account"
                    )
                orphans = db.session.execute(
                    select(column).where(column.is_not(None), column.not_in(select(parent)))
                ).all()
                assert not orphans, f"{table.name}.{column.name} points at missing {parent.table.name} rows"


def test_a_deleted_student_leaves_only_anonymous_statistics_one_placeholder_per_class(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():  # a second class on a second course, so the student's records span two classes
        other = Course(slug="other", title="Other course")
        db.session.add(other)
        db.session.flush()
        quiz = Quiz(course_id=other.id, slug="other-quiz", title="Other quiz")
        db.session.add(quiz)
        db.session.flush()
        db.session.add(Attempt(user_id=ids["ada"], quiz_id=quiz.id, number=1, snapshot=[], max_score=0))
        second = Classroom(name="Evening group", owner_id=ids["teacher"], course_id=other.id)
        db.session.add(second)
        db.session.flush()
        db.session.add(Enrollment(user_id=ids["ada"], classroom_id=second.id))
        db.session.add(
            RecordView(
                student_id=ids["ada"],
                viewer_id=ids["teacher"],
                viewer_name="teacher",
                viewer_role="instructor",
                page="p",
                path="/p",
                viewed_at=utcnow(),
            )
        )
        db.session.commit()
        second_id = second.id
        attempts_before = db.session.scalar(select(db.func.count(Attempt.id)))
    auth.login("ada")
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/account/data").status_code == 200  # signed out: the visitors' version
    assert client.get("/progress").status_code == 302
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is None
        _assert_nothing_left_of(ids["ada"], ["ada@example.org", "Ada Quill", "Ada's card", "account ada"])
        assert not db.session.scalar(select(User.id).where(User.username == "ada"))
        stand_ins = db.session.scalars(select(User).where(User.placeholder.is_(True))).all()
        assert len(stand_ins) == 2 and len({s.username for s in stand_ins}) == 2
        assert all(s.display_name is None and s.email is None and s.username.startswith("former-") for s in stand_ins)
        classes = {
            db.session.scalar(select(Enrollment.classroom_id).where(Enrollment.user_id == s.id)) for s in stand_ins
        }
        assert classes == {ids["class"], second_id}
        assert db.session.scalar(select(db.func.count(Attempt.id))) == attempts_before  # statistics kept
        assert not db.session.scalars(select(LabDesign)).all()
        assert not db.session.scalars(select(RecordView)).all()
    auth.login("teacher")
    assert client.get(f"/teach/classes/{ids['class']}/gradebook").status_code == 200
    assert client.get(f"/teach/classes/{ids['class']}/quizzes/basics-quiz/analysis").status_code == 200
    placeholders_page = client.get(f"/teach/classes/{ids['class']}/gradebook").get_data(as_text=True)
    assert "former-" in placeholders_page and "ada" not in placeholders_page.replace("Ada", "")


def test_a_class_can_require_the_instructors_approval_before_deletion(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():
        db.session.get(Classroom, ids["class"]).deletion_needs_approval = True
        db.session.commit()
    auth.login("ada")
    assert "approval" in client.get("/account/data").get_data(as_text=True)
    client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is not None
        assert db.session.scalar(select(DeletionRequest.id).where(DeletionRequest.user_id == ids["ada"]))
    auth.logout()
    auth.login("teacher")
    page = client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}").get_data(as_text=True)
    assert "asked to delete" in page
    response = client.post(f"/teach/classes/{ids['class']}/students/{ids['ada']}/approve-deletion")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is None
        _assert_nothing_left_of(ids["ada"], ["ada@example.org", "Ada Quill"])


def test_an_admin_deletes_any_account_by_the_same_rules(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():
        db.session.add(
            AuditEvent(
                action="class.roster_imported",
                actor_name="teacher",
                target="class Year 10 (#1)",
                detail="3 student accounts created: adam, ada, bob",
            )
        )
        db.session.commit()
    auth.login("admin")
    assert client.post(f"/teach/admin/users/{ids['ada']}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is None
        _assert_nothing_left_of(ids["ada"], ["ada@example.org", "Ada Quill", "account ada"])
        assert db.session.scalar(select(db.func.count(User.id)).where(User.placeholder.is_(True))) == 1
        details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "class.roster_imported"))
        assert list(details) == ["3 student accounts created: adam, a deleted account, bob"]
        deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.deleted"))
        assert deleted.actor_name == "admin" and "ada" not in deleted.target + deleted.detail


# -- retention -------------------------------------------------------------------------------------------------


def test_retention_dry_run_lists_what_is_due_and_changes_nothing(app, runner, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():
        db.session.get(Classroom, ids["class"]).ends_on = date.today() - timedelta(days=40)
        db.session.commit()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would anonymise: ada in class Year 10" in result.output and "bob" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id)).where(User.placeholder.is_(True))) == 0
        assert db.session.scalar(select(Enrollment.id).where(Enrollment.user_id == ids["ada"]))


def test_retention_anonymises_a_class_after_its_end_and_grace_period_once(app, runner, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():
        db.session.get(Classroom, ids["class"]).ends_on = date.today() - timedelta(days=10)  # within the grace
        db.session.commit()
    assert "0 actions." in runner.invoke(args=["retention", "run"]).output
    with app.app_context():
        db.session.get(Classroom, ids["class"]).ends_on = date.today() - timedelta(days=31)
        db.session.commit()
    first = runner.invoke(args=["retention", "run"])
    assert first.exit_code == 0 and "anonymise: ada" in first.output, first.output
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is not None  # the account stays; its class records do not
        assert not db.session.scalar(select(Attempt.id).where(Attempt.user_id == ids["ada"]))
        assert not db.session.scalar(select(Enrollment.id).where(Enrollment.user_id == ids["ada"]))
        members = db.session.scalars(select(User).join(Enrollment).where(Enrollment.classroom_id == ids["class"]))
        assert all(member.placeholder for member in members)
        attempts = db.session.scalar(select(db.func.count(Attempt.id)))
    again = runner.invoke(args=["retention", "run"])
    assert "0 actions." in again.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Attempt.id))) == attempts


def test_unused_accounts_are_flagged_warned_at_sign_in_and_deleted_after_the_warning(
    app, client, runner, auth, sample_course
):
    ids = world(app, auth, sample_course)
    long_ago = utcnow() - timedelta(days=400)
    with app.app_context():
        for name in ("ada", "bob", "teacher"):
            user = db.session.scalar(select(User).where(User.username == name))
            user.created_at, user.last_seen_at = long_ago, long_ago
        db.session.commit()
    first = runner.invoke(args=["retention", "run"])
    assert "flag unused: ada" in first.output and "flag unused: bob" in first.output
    assert "teacher" not in first.output  # staff accounts are the administrators' to manage
    auth.login("admin")
    assert "due for deletion" in client.get("/teach/admin/users").get_data(as_text=True)
    auth.logout()
    follow = auth.login("bob")
    assert follow.status_code == 302
    assert "was due to be deleted" in client.get("/").get_data(as_text=True)
    auth.logout()
    with app.app_context():
        ada = db.session.get(User, ids["ada"])
        ada.inactive_warned_at = utcnow() - timedelta(days=31)
        db.session.commit()
    second = runner.invoke(args=["retention", "run"])
    assert "delete unused: ada" in second.output and "bob" not in second.output
    with app.app_context():
        assert db.session.get(User, ids["ada"]) is None and db.session.get(User, ids["bob"]) is not None
        assert db.session.get(User, ids["bob"]).inactive_warned_at is None


# -- access transparency ---------------------------------------------------------------------------------------


def test_a_look_at_a_students_records_is_shown_to_the_student(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == ids["ada"]))
        submission_id = db.session.scalar(select(LabSubmission.id).where(LabSubmission.user_id == ids["ada"]))
    auth.login("teacher")
    page = client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}").get_data(as_text=True)
    assert "will see this visit" in page  # the instructor is told first
    client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}")  # a reload is the same visit
    assert client.get(f"/attempts/{attempt_id}").status_code == 200
    assert client.get(f"/lab/submissions/{submission_id}").status_code == 200
    auth.logout()
    auth.login("ada")
    client.get(f"/attempts/{attempt_id}")  # her own look is not logged
    html = client.get("/account/data").get_data(as_text=True)
    assert "their page in the class Year 10" in html and "attempt 1 at" in html and "a lab submission" in html
    with app.app_context():
        views = db.session.scalars(select(RecordView).where(RecordView.student_id == ids["ada"])).all()
        assert len(views) == 3 and {v.viewer_name for v in views} == {"teacher"}
        assert {v.viewer_role for v in views} == {"instructor"}


def test_class_wide_pages_and_refused_pages_log_nothing(app, client, auth, sample_course):
    ids = world(app, auth, sample_course)
    app.config["MIN_STUDENTS_FOR_STATS"] = 1
    auth.login("teacher")
    for url in (
        f"/teach/classes/{ids['class']}",
        f"/teach/classes/{ids['class']}/gradebook",
        f"/teach/classes/{ids['class']}/gradebook.csv",
        f"/teach/classes/{ids['class']}/quizzes/basics-quiz/analysis",
    ):
        assert client.get(url).status_code == 200, url
    auth.logout()
    auth.login("stranger")
    assert client.get(f"/teach/classes/{ids['class']}/students/{ids['ada']}").status_code == 404
    assert "will see this visit" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(RecordView)).all() == []


def test_the_access_log_keeps_no_address_or_device(app):
    with app.app_context():
        names = set(RecordView.__table__.columns.keys())
        assert names == {"id", "student_id", "viewer_id", "viewer_name", "viewer_role", "page", "path", "viewed_at"}


# -- consent, notice, settings ---------------------------------------------------------------------------------


def test_the_privacy_notice_is_generated_from_the_declarations_and_up_to_date(app, runner, tmp_path):
    target = tmp_path / "notice.md"
    result = runner.invoke(args=["privacy", "notice", "--output", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        generated = privacy_notice()
        for table in personal_tables():
            for column in table.personal_columns:
                assert f"| `{column.name}` | {column.purpose} |" in generated
    assert target.read_text() == generated
    assert (ROOT / "docs" / "privacy-notice.md").read_text() == generated, (
        "docs/privacy-notice.md is out of date: run flask --app app privacy notice"
    )


def test_a_class_form_sets_the_end_date_and_the_approval_rule(app, client, auth, sample_course):
    teacher = auth.as_role("instructor", "teacher")
    classroom_id = make_class(app, "Year 11", teacher, sample_course)
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
    response = client.post(
        f"/teach/classes/{classroom_id}/edit",
        data={"name": "Year 11", "course_id": course_id, "ends_on": "2027-07-15", "deletion_needs_approval": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        classroom = db.session.get(Classroom, classroom_id)
        assert classroom.ends_on == date(2027, 7, 15) and classroom.deletion_needs_approval


def test_signing_in_records_only_the_time_of_the_last_sign_in(app, client, auth):
    auth.as_role("student", "sam")
    with app.app_context():
        sam = db.session.scalar(select(User).where(User.username == "sam"))
        assert sam.last_seen_at is not None
        assert db.session.scalar(select(db.func.count(UserSession.id))) == 1


def test_the_retention_timer_runs_the_real_command_as_an_unprivileged_user(app):
    lines = (ROOT / "deploy" / "systemd" / "lanyard-retention.service").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    assert settings["User"] not in {"root", "0"} and settings["NoNewPrivileges"] == "true"
    words = settings["ExecStart"].split()
    assert words[:3] == ["/opt/lanyard/.venv/bin/flask", "--app", "app"]
    group = app.cli.get_command(None, words[3])
    command = group.get_command(None, words[4])
    assert command is not None and command.make_context("run", words[5:]).params == {"dry_run": False}
    assert "lanyard-retention.timer" in (ROOT / "docs" / "operations.md").read_text()
