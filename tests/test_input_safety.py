"""Typed and imported text never carries NUL or other control characters to the database: one rule
(course.sanitize.without_control_characters), applied by every form and every importer, on SQLite and PostgreSQL."""

import importlib
import io
import pkgutil

from flask_wtf import FlaskForm
from sqlalchemy import select

import course
from course.content import import_course
from course.extensions import db
from course.forms import BaseForm
from course.lab import engine
from course.models import Attempt, Classroom, Course, LabDesign, Lesson, Question, User
from course.sanitize import without_control_characters
from tests.conftest import PASSWORD

NASTY = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85"


def test_the_rule_keeps_tabs_and_line_breaks_only_where_text_has_lines():
    typed = f"Year{NASTY} 9\tgroup\r\nB"
    assert without_control_characters(typed) == "Year 9\tgroup\r\nB"
    assert without_control_characters(typed, multiline=False) == "Year 9groupB"
    assert without_control_characters("Ana López — “ok” ✓") == "Ana López — “ok” ✓"


def all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from all_subclasses(subclass)


def test_every_form_of_the_site_derives_from_the_base_form(app):
    for module in pkgutil.walk_packages(course.__path__, "course."):
        importlib.import_module(module.name)
    forms = {form for form in all_subclasses(FlaskForm) if form.__module__.startswith("course.")}
    assert len(forms) > 20
    assert [form for form in forms if not issubclass(form, BaseForm)] == []


def test_nul_in_a_sign_in_is_no_error_and_signs_in_the_account_it_spells(client, auth):
    auth.create("sam")
    wrong = client.post("/login", data={"username": "s\x00am", "password": "wrong\x00password"})
    assert wrong.status_code == 200 and "Wrong username or password" in wrong.get_data(as_text=True)
    assert client.post("/login", data={"username": "\x00sam\x1b", "password": PASSWORD}).status_code == 302


def test_nul_in_a_registration_is_stripped(app, client, auth):
    auth.create("teacher", "instructor")
    with app.app_context():
        code = db.session.scalar(select(Classroom.join_code))
    typed = {"username": "ne\x00w", "display_name": "New\x00 Student\x07", "join_code": code}
    response = client.post("/register", data={**typed, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        student = db.session.scalar(select(User).where(User.role == "student"))
        assert (student.username, student.display_name) == ("new", "New Student")


def test_nul_in_a_class_name_is_stripped(app, client, auth, sample_course):
    auth.as_role("instructor", "teacher")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
    response = client.post("/teach/classes/new", data={"name": "Tuesday\x00 group\x0b", "course_id": course_id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Classroom.name).order_by(Classroom.id.desc()).limit(1)) == "Tuesday group"


def test_nul_in_roster_rows_is_stripped_from_a_file_and_from_pasted_rows(app, client, auth):
    auth.as_role("instructor", "teacher")
    with app.app_context():
        classroom_id = db.session.scalar(select(Classroom.id))
    url = f"/teach/classes/{classroom_id}/roster"
    upload = {"roster_file": (io.BytesIO("ana\x00.lopez,Ana\x00 López\n".encode()), "roster.csv")}
    assert client.post(url, data=upload, content_type="multipart/form-data").status_code == 200
    pasted = {"roster_text": "ben\x00k,Ben\x00 K\r\n"}
    assert client.post(url, data=pasted, content_type="multipart/form-data").status_code == 200
    with app.app_context():
        names = set(db.session.execute(select(User.username, User.display_name).where(User.role == "student")))
    assert names == {("ana.lopez", "Ana López"), ("benk", "Ben K")}


def test_nul_in_a_lab_design_title_is_stripped(app, client, auth):
    auth.as_role("student", "sam")
    form = engine.design_to_form(engine.preset_design("nk-2019"))
    response = client.post("/lab/designs", data={**form, "title": "My\x00 card\x1b", "preset": "nk-2019"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(LabDesign.title)) == "My card"


def test_nul_in_a_gift_prompt_is_stripped(app, client, auth, sample_course):
    auth.as_role("admin", "boss")
    gift = b"::nul-question::What\x00 does a chip\x07 add?{=A memory ~Nothing}\n"
    upload = {"quiz": "nul-quiz", "module": "", "bank_file": (io.BytesIO(gift), "nul.gift")}
    response = client.post(
        f"/transfer/courses/{sample_course}/questions", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        prompts = db.session.scalars(select(Question.prompt_html)).all()
    assert any("What does a chip add?" in prompt for prompt in prompts)
    assert not any("\x00" in prompt or "\x07" in prompt for prompt in prompts)


def test_nul_in_a_course_folder_is_stripped_on_import(app, course_dir):
    lesson = next((course_dir / "lessons").glob("*/*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nA last\x00 line\x0c.\n", encoding="utf-8")
    with app.app_context():
        import_course(course_dir)
        bodies = db.session.scalars(select(Lesson.body_html)).all()
    assert any("A last line." in body for body in bodies)
    assert not any("\x00" in body or "\x0c" in body for body in bodies)


def test_nul_in_a_typed_quiz_answer_is_no_error(app, client, auth, sample_course):
    auth.as_role("student", "sam")
    attempt_url = client.post(f"/courses/{sample_course}/quizzes/basics-quiz/start").location
    saved = client.post(attempt_url, data={"q-blood": "blood\x00 group", "action": "save"})
    assert saved.status_code in (200, 302)
    submitted = client.post(attempt_url, data={"q-blood": "blood\x00 group", "action": "submit"})
    assert submitted.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(select(Attempt.responses))["blood"] == "blood group"
