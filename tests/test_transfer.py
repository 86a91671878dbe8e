"""Moving courses from the command line and the browser: course zips and folders, GIFT quizzes, who may do it,
and that a refused file changes nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content.archive import course_zip
from course.content.exporter import course_files, course_for_export
from course.content.gift import parse_gift
from course.content.gift_quiz import quiz_gift
from course.extensions import db
from course.models import Attempt, Course, CourseOwner, Figure, LessonProgress, Question, Quiz
from course.progress import course_progress

GIFT_DATA = Path(__file__).parent / "data" / "gift"
MOODLE_EXAMPLES = GIFT_DATA / "moodle-examples.gift"
UNSUPPORTED = GIFT_DATA / "unsupported.gift"


def empty_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def database_state() -> tuple:
    """Enough of the database to see whether a refused import changed anything."""
    return (
        db.session.scalars(select(Course.title).order_by(Course.slug)).all(),
        db.session.scalars(select(Quiz.slug).order_by(Quiz.slug)).all(),
        db.session.scalars(select(Question.prompt_markdown).order_by(Question.id)).all(),
    )


def sample_zip(app, slug: str = "sample-course") -> bytes:
    with app.app_context():
        return course_zip(course_files(course_for_export(slug)))


def with_file(archive: bytes, name: str, data: bytes) -> bytes:
    """A copy of a zip with one file replaced (or added)."""
    source, target = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in source.infolist():
            if entry.filename != name:
                copy.writestr(entry, source.read(entry))
        copy.writestr(name, data)
    return target.getvalue()


def edited_zip(archive: bytes, name: str, old: bytes, new: bytes) -> bytes:
    return with_file(archive, name, zipfile.ZipFile(io.BytesIO(archive)).read(name).replace(old, new))


def retitled_zip(app) -> bytes:
    """The sample course, retitled "Changed", so an import that should not have happened shows."""
    return edited_zip(sample_zip(app), "lessons/course.yaml", b"Sample course", b"Changed")


def broken_zip(app) -> bytes:
    """The retitled course with an unknown question type: refused as a whole, so the title must not change."""
    return edited_zip(retitled_zip(app), "quizzes/basics-quiz.yaml", b"type: single", b"type: hotspot")


# --- command line: courses --------------------------------------------------------------------------------------


def test_cli_export_zip_then_import_it_into_an_empty_instance(app, runner, sample_course, tmp_path):
    target = tmp_path / "sample.zip"
    result = runner.invoke(args=["course", "export", sample_course, str(target)])
    assert result.exit_code == 0, result.output
    assert f"Exported course 'sample-course' to {target} (9 files)." in result.output
    with app.app_context():
        empty_database()
    result = runner.invoke(args=["course", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert "Created course 'sample-course': 2 modules, 3 lessons, 3 quizzes (7 questions), 1 figures." in result.output
    again = tmp_path / "again.zip"
    assert runner.invoke(args=["course", "export", sample_course, str(again)]).exit_code == 0
    assert again.read_bytes() == target.read_bytes()


def test_cli_export_to_a_folder_that_import_reads(app, runner, sample_course, tmp_path):
    folder = tmp_path / "exported"
    assert runner.invoke(args=["course", "export", sample_course, str(folder)]).exit_code == 0
    assert (folder / "lessons/course.yaml").is_file() and (folder / "quizzes/basics-quiz.yaml").is_file()
    assert runner.invoke(args=["course", "check", str(folder)]).output.splitlines()[-1].startswith("No problems found")
    result = runner.invoke(args=["course", "import", str(folder)])
    assert result.exit_code == 0 and "Updated course 'sample-course'" in result.output


def test_cli_export_refuses_a_folder_in_use_and_an_unknown_course(runner, sample_course, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(args=["course", "export", sample_course, str(tmp_path)])
    assert result.exit_code == 2 and "exists and is not an empty folder" in result.output
    result = runner.invoke(args=["course", "export", "no-such-course", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "there is no course 'no-such-course'" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_cli_import_refuses_a_broken_zip_and_changes_nothing(app, runner, sample_course, tmp_path):
    target = tmp_path / "broken.zip"
    target.write_bytes(broken_zip(app))
    with app.app_context():
        before = database_state()
    result = runner.invoke(args=["course", "import", str(target)])
    assert result.exit_code == 1
    assert "quizzes/basics-quiz.yaml:9: question 'body': unknown type 'hotspot'" in result.output
    assert "Nothing imported: 1 problem found." in result.output
    with app.app_context():
        assert database_state() == before


def test_cli_import_refuses_a_file_that_is_not_a_zip(app, runner, tmp_path):
    target = tmp_path / "course.zip"
    target.write_text("slug: not-a-zip")
    result = runner.invoke(args=["course", "import", str(target)])
    assert result.exit_code == 1 and f"{target}:1: is not a zip file" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0


# --- command line: GIFT -----------------------------------------------------------------------------------------


def test_cli_gift_import_creates_a_draft_quiz_and_export_gives_it_back(app, runner, sample_course, tmp_path):
    result = runner.invoke(args=["gift", "import", str(MOODLE_EXAMPLES), "--quiz", "grants-tomb", "--module", "basics"])
    assert result.exit_code == 0, result.output
    assert "Quiz “grants-tomb” created as a draft: 10 questions added, 0 replaced." in result.output
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "grants-tomb"))
        assert not quiz.published and quiz.module.slug == "basics" and not quiz.is_final
        assert [q.key for q in quiz.questions][:3] == ["grants-tomb", "q2", "thanksgiving-date"]
        assert "<strong>" not in quiz.questions[0].prompt_html and quiz.questions[0].prompt_html.startswith("<p>")
    target = tmp_path / "out.gift"
    result = runner.invoke(args=["gift", "export", "grants-tomb", str(target), "--course", sample_course])
    assert result.exit_code == 0 and "Exported 10 questions" in result.output
    assert parse_gift(target.read_text()) == parse_gift(MOODLE_EXAMPLES.read_text())


def test_cli_gift_import_replaces_questions_with_the_same_id_and_adds_the_rest(app, runner, sample_course, tmp_path):
    gift = tmp_path / "more.gift"
    gift.write_text("::body:: What was the old card made of? {=Paper ~Gold}\n\n::extra:: Chips can be skimmed. {T}\n")
    with app.app_context():
        body_id = db.session.scalar(select(Question.id).where(Question.key == "body"))
    result = runner.invoke(args=["gift", "import", str(gift), "--quiz", "basics-quiz"])
    assert result.exit_code == 0, result.output
    assert "Quiz “basics-quiz” updated: 1 question added, 1 replaced." in result.output
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        assert quiz.published
        assert [q.key for q in quiz.questions] == ["body", "fields", "eight-years", "blood", "width", "extra"]
        assert quiz.questions[0].id == body_id and quiz.questions[0].spec["choices"][1]["text"] == "Gold"


def test_cli_gift_unsupported_constructs_are_reported_with_their_line(app, runner, sample_course):
    with app.app_context():
        before = database_state()
    result = runner.invoke(args=["gift", "import", str(UNSUPPORTED), "--quiz", "basics-quiz"])
    assert result.exit_code == 1
    assert f"{UNSUPPORTED}:11: unsupported description" in result.output
    assert f"{UNSUPPORTED}:13: unsupported weight 50%" in result.output
    assert "Nothing imported: 3 problems found." in result.output
    with app.app_context():
        assert database_state() == before


def test_cli_gift_questions_are_checked_like_quiz_files(app, runner, sample_course, tmp_path):
    gift = tmp_path / "ids.gift"
    gift.write_text("// two questions\n::fine:: First {T}\n\n::Second:: Second {=a =%50%}\n")
    result = runner.invoke(args=["gift", "import", str(gift), "--quiz", "new-quiz"])
    assert result.exit_code == 1
    assert f"{gift}:4: " in result.output
    with app.app_context():
        assert db.session.scalar(select(Quiz).where(Quiz.slug == "new-quiz")) is None


def test_cli_gift_question_ids_fit_the_database_and_titles_are_kept(app, runner, sample_course, tmp_path):
    gift = tmp_path / "long.gift"
    gift.write_text(f"::{'a' * 81}:: A long title {{T}}\n")
    result = runner.invoke(args=["gift", "import", str(gift), "--quiz", "basics-quiz"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "a" * 80))
        assert question.spec["title"] == "a" * 81


def test_cli_gift_import_refuses_a_file_that_is_not_utf8(app, runner, sample_course, tmp_path):
    gift = tmp_path / "latin1.gift"
    gift.write_bytes("Fine {T}\n\nCaf\u00e9? {F}\n".encode("latin-1"))
    result = runner.invoke(args=["gift", "import", str(gift), "--quiz", "new-quiz"])
    assert result.exit_code == 1 and f"{gift}:3: is not UTF-8 text" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--quiz", "basics-quiz", "--module", "nowhere"], "course 'sample-course' has no module 'nowhere'"),
        (["--quiz", "basics-quiz", "--module", "chips"], "quiz 'basics-quiz' already exists in module 'basics'"),
        (["--quiz", "Not A Slug"], "use lower-case letters and digits in words joined by hyphens"),
        (["--quiz", "x", "--course", "nowhere"], "there is no course 'nowhere' (courses: sample-course)"),
    ],
)
def test_cli_gift_import_refuses_a_wrong_target(app, runner, sample_course, arguments, message):
    with app.app_context():
        before = database_state()
    result = runner.invoke(args=["gift", "import", str(MOODLE_EXAMPLES), *arguments])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    with app.app_context():
        assert database_state() == before


def test_cli_gift_needs_the_course_when_there_are_several(app, runner, sample_course, tmp_path):
    with app.app_context():
        db.session.add(Course(slug="other", title="Other"))
        db.session.commit()
    result = runner.invoke(args=["gift", "export", "basics-quiz", str(tmp_path / "q.gift")])
    assert result.exit_code == 2 and "name the course (courses: other, sample-course)" in result.output
    result = runner.invoke(args=["gift", "export", "nothing", str(tmp_path / "q.gift"), "--course", "other"])
    assert result.exit_code == 2 and "course 'other' has no quiz 'nothing'" in result.output
    assert not (tmp_path / "q.gift").exists()


# --- browser: who may ------------------------------------------------------------------------------------------

ROUTES = [
    ("get", "/transfer/"),
    ("post", "/transfer/import"),
    ("get", "/transfer/courses/sample-course/export.zip"),
    ("get", "/transfer/courses/sample-course"),
    ("post", "/transfer/courses/sample-course/questions"),
    ("get", "/transfer/courses/sample-course/quizzes/basics-quiz/export.xml"),
    ("get", "/transfer/courses/sample-course/quizzes/basics-quiz/export.gift"),
]


def as_owner(auth, role: str = "instructor") -> int:
    """Sign in with a new account of this role that owns the sample course (when it exists)."""
    user_id = auth.as_role(role)
    with auth.app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))
        if course_id is not None:
            db.session.add(CourseOwner(course_id=course_id, user_id=user_id))
            db.session.commit()
    return user_id


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, auth, sample_course, method, url):
    auth.create("teacher", "instructor")  # past first-run setup
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_students_are_refused(client, auth, sample_course, method, url):
    auth.as_role("student")
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", ["instructor", "admin"])
@pytest.mark.parametrize("url", [url for method, url in ROUTES if method == "get"])
def test_instructors_and_admins_may(client, auth, sample_course, role, url):
    as_owner(auth, role)
    assert client.get(url).status_code == 200


def test_unknown_courses_and_quizzes_are_404(client, auth, sample_course):
    as_owner(auth)
    assert client.get("/transfer/courses/nowhere/export.zip").status_code == 404
    assert client.get("/transfer/courses/nowhere").status_code == 404
    assert client.get("/transfer/courses/sample-course/quizzes/nothing/export.gift").status_code == 404


def test_nav_links_import_export_for_instructors_only(client, auth, sample_course):
    auth.as_role("student")
    assert "Import/export" not in client.get("/").get_data(as_text=True)
    auth.logout()
    as_owner(auth)
    assert 'href="/transfer/">Import/export</a>' in client.get("/").get_data(as_text=True)


# --- browser: course zips ---------------------------------------------------------------------------------------


def upload_zip(client, data: bytes, name: str = "course.zip"):
    return client.post(
        "/transfer/import", data={"archive": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_export_download_is_the_course_zip(app, client, auth, sample_course):
    as_owner(auth)
    response = client.get("/transfer/courses/sample-course/export.zip")
    assert response.mimetype == "application/zip"
    assert 'attachment; filename="sample-course.zip"' in response.headers["Content-Disposition"] or (
        "filename=sample-course.zip" in response.headers["Content-Disposition"]
    )
    assert response.data == sample_zip(app)


def test_upload_a_zip_into_an_empty_instance(app, client, auth, sample_course):
    archive = sample_zip(app)
    with app.app_context():
        db.session.execute(Course.__table__.delete())
        db.session.commit()
    as_owner(auth)
    response = upload_zip(client, archive)
    assert response.status_code == 302 and response.location.endswith("/transfer/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Created course “Sample course”: 2 modules, 3 lessons, 3 quizzes, 1 figures." in page
    assert sample_zip(app) == archive


def test_a_refused_zip_lists_its_problems_and_changes_nothing(app, client, auth, sample_course):
    as_owner(auth)
    with app.app_context():
        before = database_state()
    response = upload_zip(client, broken_zip(app))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 1 problem found." in page
    assert "quizzes/basics-quiz.yaml:9: question &#39;body&#39;: unknown type &#39;hotspot&#39;" in page
    with app.app_context():
        assert database_state() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a zip", "course.zip", "course.zip:1: is not a zip file"),
        (b"PK", "course.tar.gz", "Choose a .zip file."),
        (None, "course.zip", "../escaped.txt:1: contains &#39;..&#39;"),
    ],
)
def test_unsafe_or_wrong_uploads_are_refused(app, client, auth, sample_course, data, name, message):
    as_owner(auth)
    data = data or with_file(sample_zip(app), "../escaped.txt", b"x")
    with app.app_context():
        before = database_state()
    response = upload_zip(client, data, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert database_state() == before


def test_an_upload_without_a_file_is_refused_at_the_field(client, auth, sample_course):
    as_owner(auth)
    response = client.post("/transfer/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a course zip to import." in response.get_data(as_text=True)


def test_an_upload_larger_than_the_limit_gets_the_413_page(app, client, auth, sample_course):
    as_owner(auth)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload_zip(client, bytes(4096))
    assert response.status_code == 413 and "That upload is too large" in response.get_data(as_text=True)


def test_uploads_need_the_csrf_token(app, client, auth, sample_course):
    as_owner(auth)
    archive = retitled_zip(app)
    app.config["WTF_CSRF_ENABLED"] = True  # signed in above without it; every POST from here on needs the token
    with app.app_context():
        before = database_state()
    assert upload_zip(client, archive).status_code == 400
    response = upload_gift(client, MOODLE_EXAMPLES, "new-quiz")
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    with app.app_context():
        assert database_state() == before


def test_hostile_titles_from_a_zip_are_inert(app, client, auth, sample_course):
    hostile = edited_zip(sample_zip(app), "lessons/course.yaml", b"Sample course", b"'<script>alert(1)</script>'")
    as_owner(auth)
    assert upload_zip(client, hostile).status_code == 302
    page = client.get("/transfer/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reimporting_an_exported_zip_keeps_student_progress(app, client, auth, sample_course):
    student_id = auth.as_role("student", "sam")
    assert client.post("/courses/sample-course/lessons/what-a-card-is/complete").status_code == 302
    attempt_url = client.post("/courses/sample-course/quizzes/chips-quiz/start").location
    client.post(attempt_url, data={"q-range": "25", "action": "submit", "confirmed": "yes"})
    auth.logout()
    as_owner(auth)
    archive = client.get("/transfer/courses/sample-course/export.zip").data
    assert upload_zip(client, archive).status_code == 302
    with app.app_context():
        course = db.session.scalar(select(Course))
        progress = course_progress(course, student_id)
        assert progress.lessons_done == 1 and progress.quizzes_passed == 1
        assert db.session.scalar(select(func.count(LessonProgress.id))) == 1
        attempt = db.session.scalar(select(Attempt))
        assert attempt.passed and attempt.quiz.slug == "chips-quiz"


def test_pages_run_a_fixed_number_of_queries(app, client, auth, sample_course, count_queries):
    as_owner(auth)
    with count_queries() as small_index:
        client.get("/transfer/")
    with count_queries() as small_course:
        client.get("/transfer/courses/sample-course")
    for number in range(5):
        upload_bank(client, MOODLE_EXAMPLES, f"bank-{number}")
        with app.app_context():
            db.session.add(Course(slug=f"other-{number}", title=f"Other {number}"))
            db.session.commit()
    with count_queries() as big_index:
        client.get("/transfer/")
    with count_queries() as big_course:
        page = client.get("/transfer/courses/sample-course").get_data(as_text=True)
    assert "bank-4" in page
    assert (big_index.n, big_course.n) == (small_index.n, small_course.n)


# --- browser: GIFT ----------------------------------------------------------------------------------------------


def upload_bank(client, path: Path, quiz: str = "", module: str = "", **fields):
    """Post a question-bank file through the course page's import form (GIFT unless bank_format says otherwise)."""
    return client.post(
        "/transfer/courses/sample-course/questions",
        content_type="multipart/form-data",
        data={"quiz": quiz, "module": module, **fields, "bank_file": (io.BytesIO(path.read_bytes()), path.name)},
    )


upload_gift = upload_bank


def test_gift_upload_creates_a_draft_quiz(app, client, auth, sample_course):
    as_owner(auth)
    response = upload_gift(client, MOODLE_EXAMPLES, "grants-tomb")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Quiz “grants-tomb” created as a draft: 10 questions added, 0 replaced." in page
    assert "Grants tomb (draft)" in page
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "grants-tomb"))
        assert not quiz.published and quiz.is_final and quiz.module_id is None
        assert len(quiz.questions) == 10


def test_gift_upload_with_unsupported_constructs_lists_their_lines_and_changes_nothing(
    app, client, auth, sample_course
):
    as_owner(auth)
    with app.app_context():
        before = database_state()
    response = upload_gift(client, UNSUPPORTED, "basics-quiz")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 3 problems found." in page
    for line, construct in [(11, "description"), (13, "single-choice"), (15, "never closed")]:
        assert f"unsupported.gift:{line}: " in page and construct in page
    with app.app_context():
        assert database_state() == before


def test_gift_upload_into_another_module_is_refused_at_the_module_field(app, client, auth, sample_course):
    as_owner(auth)
    response = upload_gift(client, MOODLE_EXAMPLES, "basics-quiz", module="chips")
    assert response.status_code == 400
    assert "already exists in module &#39;basics&#39;" in response.get_data(as_text=True)


def test_gift_upload_checks_the_form(client, auth, sample_course):
    as_owner(auth)
    response = upload_gift(client, MOODLE_EXAMPLES, "Not a slug", module="nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use lower-case words joined by hyphens" in page and "Not a valid choice" in page


def test_gift_download_is_the_quiz_as_gift(app, client, auth, sample_course):
    as_owner(auth)
    response = client.get("/transfer/courses/sample-course/quizzes/basics-quiz/export.gift")
    assert response.content_type == "text/plain; charset=utf-8"
    with app.app_context():
        assert response.get_data(as_text=True) == quiz_gift(
            db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        )
    assert [q["id"] for q in parse_gift(response.get_data(as_text=True))] == [
        "body",
        "fields",
        "eight-years",
        "blood",
        "width",
    ]


# --- browser: Moodle XML, figures and categories ---------------------------------------------------------------

MOODLE_DATA = Path(__file__).parent / "data" / "moodle"
MOODLE_WRITTEN = MOODLE_DATA / "moodle-written.xml"


def test_moodle_xml_upload_without_the_box_changes_nothing_and_lists_the_lines(app, client, auth, sample_course):
    as_owner(auth)
    with app.app_context():
        before = database_state()
    response = upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="moodle-xml")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 2 problems found." in page
    assert "moodle-written.xml:334: question 8 (Select the standard)" in page
    assert "moodle-written.xml:360: question 9 (Cloze years)" in page
    with app.app_context():
        assert database_state() == before and db.session.scalar(select(func.count(Figure.id))) == 1


def test_moodle_xml_upload_with_the_box_imports_the_good_questions_and_their_figures(app, client, auth, sample_course):
    as_owner(auth)
    response = upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="moodle-xml", skip_unsupported="y")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Quiz “bank” created as a draft: 7 questions added, 0 replaced." in page
    assert "Added 2 figures to the course." in page
    assert "Skipped: 2 problems" in page and "moodle-written.xml:334: " in page
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "bank"))
        assert [question.key for question in quiz.questions][:2] == ["chip-contents", "chip-risks-weighted"]
        assert not quiz.published
        figure = db.session.scalar(select(Figure).where(Figure.name == "chip-card.png"))
        assert figure.media_type == "image/png"
    download = client.get("/transfer/courses/sample-course/quizzes/bank/export.xml")
    assert download.mimetype == "application/xml" and "bank.xml" in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert '<file name="chip-card.png" path="/" encoding="base64">' in text
    assert 'fraction="30"' in text and 'fraction="-100"' in text


def test_a_question_shows_its_figure_to_the_student(app, client, auth, sample_course):
    as_owner(auth)
    upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="moodle-xml", skip_unsupported="y")
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "bank"))
        quiz.published = True
        db.session.commit()
    auth.logout()
    auth.as_role("student")
    response = client.post("/courses/sample-course/quizzes/bank/start")
    page = client.get(response.location).get_data(as_text=True)
    assert 'src="/courses/sample-course/figures/chip-card.png"' in page
    assert client.get("/courses/sample-course/figures/chip-card.png").mimetype == "image/png"


def test_upload_by_category_and_a_category_that_names_no_quiz(app, client, auth, sample_course):
    as_owner(auth)
    with app.app_context():
        before = database_state()
    response = upload_bank(client, MOODLE_DATA / "moodle-documented.xml", bank_format="moodle-xml", target="category")
    assert response.status_code == 400
    assert "these name none: &#39;Card technology&#39;" in response.get_data(as_text=True)
    with app.app_context():
        assert database_state() == before
    response = upload_bank(client, MOODLE_WRITTEN, bank_format="moodle-xml", target="category", skip_unsupported="y")
    page = response.get_data(as_text=True)
    assert "Quiz “chips-quiz” updated: 3 questions added" in page
    assert "Quiz “basics-quiz” updated: 4 questions added" in page


def test_the_quiz_is_needed_unless_by_category_and_the_format_must_be_known(client, auth, sample_course):
    as_owner(auth)
    page = upload_bank(client, MOODLE_WRITTEN, bank_format="moodle-xml").get_data(as_text=True)
    assert "Name the quiz to import into." in page
    response = upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="word")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_moodle_xml_that_is_not_xml_or_too_large_is_refused(app, client, auth, sample_course, tmp_path):
    as_owner(auth)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<quiz>\n<question>\n</quiz>")
    response = upload_bank(client, broken, "bank", bank_format="moodle-xml")
    assert response.status_code == 400 and "broken.xml:3: is not well-formed XML" in response.get_data(as_text=True)
    big = tmp_path / "big.xml"
    big.write_bytes(b"<quiz>" + b" " * (3 * 1024 * 1024) + b"</quiz>")
    response = upload_bank(client, big, "bank", bank_format="moodle-xml")
    assert response.status_code == 400 and "The file must be at most 2 MiB." in response.get_data(as_text=True)


def test_only_the_courses_owners_import_and_export_question_banks(app, client, auth, sample_course):
    auth.as_role("instructor")  # an instructor, but not one of the course's owners
    with app.app_context():
        before = database_state()
    assert upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="moodle-xml").status_code == 403
    assert client.get("/transfer/courses/sample-course/quizzes/basics-quiz/export.xml").status_code == 403
    with app.app_context():
        assert database_state() == before


def test_moodle_xml_upload_needs_the_csrf_token(app, client, auth, sample_course):
    as_owner(auth)
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload_bank(client, MOODLE_WRITTEN, "bank", bank_format="moodle-xml", skip_unsupported="y")
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Quiz).where(Quiz.slug == "bank")) is None
