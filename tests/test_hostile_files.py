"""Untrusted course files cannot hurt the server: each hostile file is refused with its path:line, on the command
line and in the browser, before the expensive work (expanding, nesting, reading, converting) and with nothing
written. No timings here: bench/ is the place for those; each test shows where the refusal happens instead."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content import check_course
from course.content.archive import course_zip
from course.content.exporter import course_files, course_for_export
from course.content.gift import parse_gift
from course.content.gift_quiz import MAX_GIFT_BYTES
from course.content.loader import MAX_TEXT_FILE_BYTES, load_lesson_text, load_quiz_text
from course.content.problems import ContentError
from course.content.yaml_lines import MAX_QUESTIONS, MAX_YAML_DEPTH, load_yaml
from course.extensions import db
from course.models import Course, CourseOwner, Question, Quiz

QUIZ = "quizzes/basics-quiz.yaml"
LESSON = "lessons/01-basics/01-what-a-card-is.md"
# Nine levels of nine: expanded, 387 420 489 strings. Refused at its first anchor, on line 1.
ALIAS_BOMB = "".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10)]
)


def state() -> tuple:
    """Enough of the database to see that a refused file changed nothing."""
    return (
        db.session.scalars(select(Course.title).order_by(Course.slug)).all(),
        db.session.scalars(select(Quiz.slug).order_by(Quiz.slug)).all(),
        db.session.scalar(select(func.count(Question.id))),
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- the YAML loader ----------------------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_its_first_anchor_before_anything_is_expanded():
    data, problems = load_yaml(ALIAS_BOMB, "bomb.yaml")
    assert data is None
    assert [str(p) for p in problems] == [
        "bomb.yaml:1: YAML syntax error: anchors (&name) and aliases (*name) are not accepted: write each value out"
    ]


def test_an_alias_alone_is_refused_too():
    _, problems = load_yaml("a: 1\nb: *a\n", "f.yaml")
    assert [p.line for p in problems] == [2] and "aliases" in problems[0].message


@pytest.mark.parametrize(
    "text",
    [
        "ok: 1\nx: " + "[" * 100_000 + "1" + "]" * 100_000,
        "ok: 1\nx: " + "{a: " * 100_000 + "1" + "}" * 100_000,
        "ok: 1\nx:\n" + "- " * 100_000 + "1",
    ],
)
def test_deep_nesting_is_refused_at_its_line(text):
    _, problems = load_yaml(text, "deep.yaml")
    assert len(problems) == 1 and problems[0].line in (2, 3)
    assert f"nested more than {MAX_YAML_DEPTH} levels deep" in problems[0].message


def test_nesting_within_the_limit_is_read():
    depth = MAX_YAML_DEPTH - 2  # the mapping around it and the number inside are levels too
    data, problems = load_yaml("x: " + "[" * depth + "1" + "]" * depth, "f.yaml")
    assert problems == [] and data["x"]


@pytest.mark.parametrize(
    "value, message",
    [
        (".nan", ".nan is not a finite number: NaN and infinities are not accepted"),
        (".inf", ".inf is not a finite number"),
        ("-.Inf", "-.Inf is not a finite number"),
        ("1.0e+999", "1.0e+999 is not a finite number"),
        ("9" * 5000, "a number longer than 30 characters"),
        ("10000000000000001", "is out of range: numbers are at most 1e+15 in size"),
        ("-1.5e+16", "is out of range"),
        ("0x" + "f" * 40, "a number longer than 30 characters"),
        ("2019-13-45", "2019-13-45 is not a date: month must be in 1..12"),
    ],
)
def test_numbers_that_are_huge_nan_or_infinite_are_refused_at_their_line(value, message):
    _, problems = load_yaml(f"title: x\nanswer: {value}\n", "q.yaml", first_line=5)
    assert len(problems) == 1 and problems[0].line == 6 and message in problems[0].message


def test_ordinary_numbers_and_dates_are_read():
    data, problems = load_yaml("a: 85.6\nb: -3\nc: 1_000\nd: 2019-11-16\ne: 6.02e+14\n", "f.yaml")
    assert problems == [] and (data["a"], data["b"], data["c"], data["e"]) == (85.6, -3, 1000, 6.02e14)


def test_control_characters_written_as_yaml_escapes_are_removed():
    """A double-quoted string can write NUL or a bell as an escape though the file holds neither; they are removed
    as from all imported text (PostgreSQL refuses NUL, and pages mark their holes with it)."""
    data, problems = load_yaml('title: "Basics\\0hole:csrf_token\\0 and \\x07bell"\nitems: ["a\\0b"]\n', "f.yaml")
    assert problems == [] and data == {"title": "Basicshole:csrf_token and bell", "items": ["ab"]}


def test_a_course_whose_titles_hold_escaped_nul_imports_and_its_pages_serve(app, client, auth, runner, course_dir):
    edit(course_dir / "lessons/course.yaml", "title: Basics,", 'title: "Basics\\0hole:csrf_token\\0",')
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code == 0, result.output
    auth.as_role("student", "sam")
    outline = client.get("/courses/sample-course")
    assert outline.status_code == 200 and "Basicshole:csrf_token" in outline.get_data(as_text=True)
    assert client.get("/courses/sample-course/lessons/what-a-card-is").status_code == 200


# --- course folders and the command line --------------------------------------------------------------------------


def test_quiz_tolerance_inf_is_refused_and_nothing_is_imported(app, runner, course_dir):
    """`tolerance: .inf` once graded -123456 as a right answer."""
    edit(course_dir / QUIZ, "tolerance: 0.5", "tolerance: .inf")
    problems = [str(p) for p in check_course(course_dir)]
    assert any(
        p.endswith(f"{QUIZ}:43: YAML syntax error: .inf is not a finite number: NaN and infinities are not accepted")
        for p in problems
    ), problems
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code != 0 and f"{QUIZ}:43:" in result.output and "not a finite number" in result.output
    with app.app_context():
        assert state() == ([], [], 0)


def test_quiz_answer_nan_is_refused(course_dir):
    edit(course_dir / QUIZ, "answer: 85.6", "answer: .nan")
    assert any(f"{QUIZ}:42:" in str(p) and "NaN" in p.message for p in check_course(course_dir))


def test_an_alias_bomb_in_a_quiz_file_is_refused_on_the_command_line(app, runner, course_dir):
    quiz = course_dir / QUIZ
    quiz.write_text(ALIAS_BOMB + quiz.read_text())
    result = runner.invoke(args=["course", "check", str(course_dir)])
    assert result.exit_code != 0 and f"{QUIZ}:1: YAML syntax error: anchors (&name)" in result.output
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code != 0 and f"{QUIZ}:1:" in result.output
    with app.app_context():
        assert state() == ([], [], 0)


def test_an_alias_in_a_lesson_front_matter_is_refused_at_its_file_line(course_dir):
    edit(course_dir / LESSON, "title: What a card is", "title: &t What a card is\nsummary: *t")
    problems = [str(p) for p in check_course(course_dir)]
    assert any(
        p.endswith(
            f"{LESSON}:3: YAML syntax error: anchors (&name) and aliases (*name) are not accepted: write each value out"
        )
        for p in problems
    ), problems


def test_a_lesson_too_large_is_refused_without_being_read_whole(app, runner, course_dir, monkeypatch):
    lesson = course_dir / LESSON
    lesson.write_text(lesson.read_text() + "word " * (MAX_TEXT_FILE_BYTES // 5 + 10))
    reads: list[int] = []
    real_open = Path.open

    def spying_open(self, mode="r", *args, **kwargs):
        file = real_open(self, mode, *args, **kwargs)
        if self.name == lesson.name:
            real_read = file.read
            file.read = lambda size=-1: reads.append(size) or real_read(size)
        return file

    monkeypatch.setattr(Path, "open", spying_open)
    real_read_text = Path.read_text
    monkeypatch.setattr(
        Path,
        "read_text",
        lambda self, *a, **k: (
            pytest.fail(f"{self} read whole") if self.name == lesson.name else real_read_text(self, *a, **k)
        ),
    )
    problems = [str(p) for p in check_course(course_dir)]
    assert any(
        p.endswith(f"{LESSON}:1: is larger than 256 KiB, the limit for a lesson, quiz or YAML file") for p in problems
    ), problems
    assert reads and all(0 < size <= MAX_TEXT_FILE_BYTES + 1 for size in reads)
    monkeypatch.undo()
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code != 0 and f"{LESSON}:1: is larger than 256 KiB" in result.output
    with app.app_context():
        assert state() == ([], [], 0)


def test_a_quiz_with_too_many_questions_is_refused_before_they_are_checked(course_dir, monkeypatch):
    questions = "".join(
        f"  - {{id: q{n}, type: true_false, prompt: P, answer: true}}\n" for n in range(MAX_QUESTIONS + 1)
    )
    (course_dir / "quizzes/many.yaml").write_text(f"slug: many\ntitle: Many\nmodule: basics\nquestions:\n{questions}")
    problems = [str(p) for p in check_course(course_dir)]
    line = 5 + MAX_QUESTIONS
    assert any(
        p.endswith(
            f"many.yaml:{line}: a quiz holds at most {MAX_QUESTIONS} questions, not {MAX_QUESTIONS + 1}: split it"
        )
        for p in problems
    ), problems


def test_the_browser_editor_refuses_oversized_and_hostile_text():
    big = "---\nslug: a\n---\n" + "x" * (MAX_TEXT_FILE_BYTES + 1)
    lesson, problems = load_lesson_text(big, "lessons/01-basics/01-a.md", {}, set(), set())
    assert lesson is None and [str(p) for p in problems] == [
        "lessons/01-basics/01-a.md:1: is larger than 256 KiB, the limit for a lesson, quiz or YAML file"
    ]
    quiz, problems = load_quiz_text("slug: q\ntolerance: &x .inf\n", "quizzes/q.yaml", {}, {})
    assert quiz is None and [p.line for p in problems] == [2] and "anchors" in problems[0].message


# --- course zips, on the command line and in the browser --------------------------------------------------------


def sample_zip(app, slug: str = "sample-course") -> bytes:
    with app.app_context():
        return course_zip(course_files(course_for_export(slug)))


def with_file(archive: bytes, name: str, data: bytes) -> bytes:
    """A copy of a zip with one file replaced."""
    source, target = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in source.infolist():
            if entry.filename != name:
                copy.writestr(entry, source.read(entry))
        copy.writestr(name, data)
    return target.getvalue()


def retitled(archive: bytes) -> bytes:
    """The zip with the course retitled, so an import that should not have happened shows."""
    text = zipfile.ZipFile(io.BytesIO(archive)).read("lessons/course.yaml").replace(b"Sample course", b"Changed")
    return with_file(archive, "lessons/course.yaml", text)


def upload_as_owner(client, auth, archive: bytes):
    user_id = auth.as_role("instructor")
    with auth.app.app_context():
        course_id = db.session.scalar(select(Course.id))
        db.session.add(CourseOwner(course_id=course_id, user_id=user_id))
        db.session.commit()
    return client.post(
        "/transfer/import", data={"archive": (io.BytesIO(archive), "course.zip")}, content_type="multipart/form-data"
    )


@pytest.fixture
def hostile_zips(app, sample_course) -> dict[str, tuple[bytes, str]]:
    """Each hostile zip (the sample course retitled, plus one bad file) with the problem it must be refused with."""
    archive = retitled(sample_zip(app))
    lesson = zipfile.ZipFile(io.BytesIO(archive)).read(LESSON)
    quiz = zipfile.ZipFile(io.BytesIO(archive)).read(QUIZ).decode()
    return {
        "oversized lesson": (
            with_file(archive, LESSON, lesson + b"a" * (4 * MAX_TEXT_FILE_BYTES)),
            f"{LESSON}:1: is larger than 256 KiB, the limit for a lesson, quiz or YAML file",
        ),
        "alias bomb": (
            with_file(archive, QUIZ, (ALIAS_BOMB + quiz).encode()),
            f"{QUIZ}:1: YAML syntax error: anchors (&amp;name) and aliases (*name) are not accepted",
        ),
        "deep nesting": (
            with_file(archive, QUIZ, quiz + "\nx: " + "[" * 100_000),
            f"nested more than {MAX_YAML_DEPTH} levels deep",
        ),
        "infinite tolerance": (
            with_file(archive, QUIZ, quiz.replace("tolerance: 0.5", "tolerance: .inf")),
            "is not a finite number: NaN and infinities are not accepted",
        ),
        "huge number": (
            with_file(archive, QUIZ, quiz.replace("answer: 85.6", "answer: " + "9" * 5000)),
            "a number longer than 30 characters",
        ),
    }


@pytest.mark.parametrize(
    "kind", ["oversized lesson", "alias bomb", "deep nesting", "infinite tolerance", "huge number"]
)
def test_hostile_zips_are_refused_in_the_browser_and_nothing_changes(app, client, auth, hostile_zips, kind):
    archive, message = hostile_zips[kind]
    with app.app_context():
        before = state()
    response = upload_as_owner(client, auth, archive)
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400) and "Nothing was imported" in page
    assert message in page, page[page.index("Nothing was imported") :][:800]
    with app.app_context():
        assert state() == before and before[0] == ["Sample course"]


@pytest.mark.parametrize("kind", ["oversized lesson", "alias bomb", "infinite tolerance"])
def test_hostile_zips_are_refused_on_the_command_line(app, runner, hostile_zips, tmp_path, kind):
    archive, message = hostile_zips[kind]
    path = tmp_path / "course.zip"
    path.write_bytes(archive)
    result = runner.invoke(args=["course", "import", str(path)])
    assert result.exit_code != 0 and message.replace("&amp;", "&") in result.output
    with app.app_context():
        assert state()[0] == ["Sample course"]


def test_an_oversized_lesson_in_a_zip_is_refused_by_its_size_before_it_is_unpacked(app, hostile_zips, monkeypatch):
    """A 183 KB zip holding a 56 MB lesson took 57 s and 1.5 GB: now the declared size refuses it, unread."""
    from course.content.archive import import_course_zip

    archive, _ = hostile_zips["oversized lesson"]
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: opened.append(getattr(name, "filename", name)) or real_open(self, name, *a, **k),
    )
    with app.app_context(), pytest.raises(ContentError) as refused:
        import_course_zip(io.BytesIO(archive), "course.zip")
    assert [str(p) for p in refused.value.problems] == [
        f"{LESSON}:1: is larger than 256 KiB, the limit for a lesson, quiz or YAML file"
    ]
    assert opened == []  # no member was even opened


# --- GIFT -------------------------------------------------------------------------------------------------------

HUGE_GIFT = "::big:: How many? {#1e999999999}\n\n::bigger:: And now? {#1e5000}\n\n::range:: Range {#1..1e999999999}\n"


def test_huge_gift_exponents_are_refused_before_any_arithmetic(monkeypatch):
    """{#1e999999999} once hung an import for minutes (turned into an int), {#1e5000} ended in a 500."""
    import course.content.gift_answers as gift_answers

    monkeypatch.setattr(gift_answers, "plain_number", lambda number: pytest.fail(f"{number} converted"))
    with pytest.raises(ContentError) as refused:
        parse_gift(HUGE_GIFT, "bank.gift")
    assert [str(p) for p in refused.value.problems] == [
        "bank.gift:1: '1e999999999' is out of range: numbers are at most 1e+15 in size and 30 characters long",
        "bank.gift:3: '1e5000' is out of range: numbers are at most 1e+15 in size and 30 characters long",
        "bank.gift:5: '1..1e999999999' is out of range: numbers are at most 1e+15 in size and 30 characters long",
    ]


def test_ordinary_gift_numbers_still_import():
    assert parse_gift("Q {#1e-5:1e3}")[0] | {"id": "q1"} == {
        "id": "q1",
        "type": "numeric",
        "prompt": "Q",
        "answer": 1e-5,
        "tolerance": 1000,
    }


def test_huge_gift_exponents_on_the_command_line(app, runner, sample_course, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(HUGE_GIFT)
    with app.app_context():
        before = state()
    result = runner.invoke(args=["gift", "import", str(path), "--quiz", "bank"])
    assert result.exit_code == 1
    assert f"{path}:1: '1e999999999' is out of range" in result.output and f"{path}:3: '1e5000'" in result.output
    with app.app_context():
        assert state() == before


def test_huge_gift_exponents_in_the_browser(app, client, auth, sample_course):
    user_id = auth.as_role("instructor")
    with app.app_context():
        db.session.add(CourseOwner(course_id=db.session.scalar(select(Course.id)), user_id=user_id))
        db.session.commit()
        before = state()
    response = client.post(
        "/transfer/courses/sample-course/questions",
        content_type="multipart/form-data",
        data={"quiz": "bank", "module": "", "bank_file": (io.BytesIO(HUGE_GIFT.encode()), "bank.gift")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert "bank.gift:1: &#39;1e999999999&#39; is out of range" in page and "bank.gift:3:" in page
    with app.app_context():
        assert state() == before


def test_a_gift_file_too_large_is_refused_unread_on_the_command_line(app, runner, sample_course, tmp_path, monkeypatch):
    path = tmp_path / "bank.gift"
    with path.open("wb") as file:
        file.truncate(MAX_GIFT_BYTES + 1)  # sparse: nothing to read even if it were read
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read"))
    result = runner.invoke(args=["gift", "import", str(path), "--quiz", "bank"])
    assert result.exit_code == 1 and f"{path}:1: is larger than 2 MiB, the limit for a GIFT file" in result.output


def test_a_gift_file_with_too_many_questions_is_refused_before_they_are_read(monkeypatch):
    import course.content.gift as gift

    monkeypatch.setattr(gift, "_read_question", lambda source: pytest.fail("a question was read"))
    text = "\n\n".join(f"Q{n} {{T}}" for n in range(MAX_QUESTIONS + 1))
    with pytest.raises(ContentError) as refused:
        parse_gift(text, "bank.gift")
    assert [str(p) for p in refused.value.problems] == [
        f"bank.gift:{2 * MAX_QUESTIONS + 1}: holds {MAX_QUESTIONS + 1} questions; a file may hold at most "
        f"{MAX_QUESTIONS}: split it"
    ]


# --- Markdown that would make sanitising slow ---------------------------------------------------------------------


def test_a_paragraph_crammed_with_citations_is_plain_text_and_reported_at_its_line(course_dir):
    """Sanitising grows with the square of one paragraph's elements; thousands of citations in one paragraph are
    shown as plain text (never rendered element by element) and the checker names the paragraph's line."""
    from course.render import MAX_INLINE_PARTS, render_markdown

    crammed = "[@asiapress] " * (MAX_INLINE_PARTS * 5)
    rendered = render_markdown(f"A short paragraph.\n\n{crammed}\n")
    assert rendered.overfull_lines == [2]
    assert "<sup" not in rendered.html and "[@asiapress]" in rendered.html
    lesson = course_dir / LESSON
    text = lesson.read_text()
    lesson.write_text(text + f"\n{crammed}\n")
    problems = [str(p) for p in check_course(course_dir)]
    line = len((text + "\n").splitlines()) + 1
    assert [p for p in problems if f"{LESSON}:{line}:" in p] == [
        f"{course_dir / LESSON}:{line}: this paragraph holds more than {MAX_INLINE_PARTS} links, citations or "
        "emphasised words; split it into shorter paragraphs"
    ]
