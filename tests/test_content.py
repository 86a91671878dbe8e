"""The content pipeline: check (every problem with path:line), import (all or nothing, idempotent), CLI."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content import ContentError, check_course, import_course
from course.extensions import db
from course.models import Attempt, Course, Lesson, LessonProgress, Question, Quiz, User


def problems_in(folder) -> list[str]:
    return [str(p) for p in check_course(folder)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_sample_course_has_no_problems(course_dir):
    assert problems_in(course_dir) == []


def test_checker_accepts_the_lessons_folder_itself(course_dir):
    assert problems_in(course_dir / "lessons") == []


def test_the_bundled_course_has_no_problems():
    assert problems_in(Path(__file__).parent.parent) == []


QUIZ = "quizzes/basics-quiz.yaml"
LESSON = "lessons/01-basics/01-what-a-card-is.md"
CHIP_LESSON = "lessons/02-chips/01-what-a-chip-adds.md"


@pytest.mark.parametrize(
    "file, old, new, needle, message",
    [
        (QUIZ, "type: single", "type: hotspot", "type: hotspot", "unknown type 'hotspot'"),
        (
            QUIZ,
            "{text: Laminated paper, correct: true, feedback: Yes.}",
            "{text: Laminated paper}",
            "choices:",
            "no choice is marked correct",
        ),
        (QUIZ, "    prompt: What was the **old** card made of?\n", "", "id: body", "has no prompt: write one"),
        (QUIZ, "answer: 85.6", "answer: wide", "answer: wide", "needs a number as its answer"),
        (
            QUIZ,
            "source: iso-7810\n    points: 2",
            "source: nowhere\n    points: 2",
            "source: nowhere",
            "source 'nowhere' is not the id of a source",
        ),
        (QUIZ, "pass_mark: 60", "pass_mark: 160", "pass_mark", "pass mark: give a whole number from 0 to 100"),
        (QUIZ, "module: basics", "module: nothing", "module: nothing", "module 'nothing' is not a module"),
        (QUIZ, "accept: [blood type, blood group]", "accept: []", "accept: []", "non-empty list of accepted"),
        (QUIZ, "    points: 2", "    points: 2\n    hint: nope", "hint: nope", "unknown field 'hint'"),
        (LESSON, "[@asiapress]", "[@nobody]", "[@nobody]", "citation [@nobody] does not match"),
        (LESSON, "minutes: 3", "minutes: soon", "minutes: soon", "give the minutes to read as a whole number"),
        (CHIP_LESSON, "preset=nk-2019", "preset=atlantis", "preset=atlantis", "the lab has no preset 'atlantis'"),
        (CHIP_LESSON, "task=no-remote-read", "task=fly", "task=fly", "the lab has no task 'fly'"),
        (
            LESSON,
            "objectives: [Say what an ID card proves, Name one registry]",
            "objectives: []",
            "objectives:",
            "add at least one objective: what a student can do after the lesson",
        ),
        (
            LESSON,
            "![A card front with a photo on the left and seven fields on the right]",
            "![]",
            "![](",
            "needs alt text",
        ),
        (LESSON, "figures/card.svg", "figures/missing.svg", "missing.svg", "figure figures/missing.svg not found"),
        (LESSON, "lesson:what-a-chip-adds", "lesson:nowhere", "lesson:nowhere", "link to unknown lesson 'nowhere'"),
        (LESSON, "glossary#registry", "glossary#nothing", "glossary#nothing", "unknown glossary entry 'nothing'"),
        (LESSON, "key_terms: [registry]", "key_terms: [nothing]", "key_terms", "key term 'nothing' is not an anchor"),
        (LESSON, "slug: what-a-card-is", "slug: What A Card", "slug: What", "use lower-case letters"),
        (
            LESSON,
            "url: https://www.iso.org/standard/70483.html",
            "url: javascript:alert(1)",
            "javascript:",
            "the address (url) must start with http",
        ),
    ],
)
def test_each_problem_is_reported_with_its_path_and_line(course_dir, file, old, new, needle, message):
    path = course_dir / file
    edit(path, old, new)
    problems = problems_in(course_dir)
    matching = [p for p in problems if message in p]
    assert matching, problems
    expected_line = line_of(path, needle)
    assert matching[0].split(": ")[0].endswith(f"{file}:{expected_line}"), (matching, expected_line)


@pytest.mark.parametrize(
    "file, text, line, message",
    [
        (QUIZ, "slug: basics-quiz\ntitle: [unclosed\nmodule: basics\n", 3, "YAML syntax error"),
        (QUIZ, "slug: basics-quiz\nslug: again\n", 2, "duplicate key 'slug'"),
        (LESSON, "---\nslug: x\ntitle: [broken\n---\nBody\n", 3, "YAML syntax error"),
        (LESSON, "No front matter here.\n", 1, "starts with YAML front matter"),
        (LESSON, "---\nslug: x\n", 1, "front matter is not closed"),
        ("lessons/course.yaml", "slug: sample-course\ntitle: Sample\nmodules: []\n", 3, "non-empty list of modules"),
    ],
)
def test_structural_problems_are_reported_with_their_line(course_dir, file, text, line, message):
    (course_dir / file).write_text(text)
    problems = problems_in(course_dir)
    assert any(
        p.startswith(f"{(course_dir / file).as_posix()}:{line}: ") or f"{file}:{line}: " in p
        for p in problems
        if message in p
    ), problems


def test_duplicate_question_ids_are_reported_at_the_second(course_dir):
    edit(course_dir / QUIZ, "id: fields", "id: body")
    second = [n for n, line in enumerate((course_dir / QUIZ).read_text().splitlines(), 1) if "id: body" in line][1]
    assert any(f"{QUIZ}:{second}: duplicate question id 'body'" in p for p in problems_in(course_dir))


def test_duplicate_lesson_slugs_name_both_files(course_dir):
    edit(course_dir / LESSON, "slug: what-a-card-is", "slug: registries")
    problems = [p for p in problems_in(course_dir) if "lesson slug 'registries' is also used by" in p]
    assert len(problems) == 1 and "02-registries.md:2:" in problems[0] and problems[0].endswith("01-what-a-card-is.md")


def test_duplicate_source_ids_are_reported(course_dir):
    edit(course_dir / LESSON, "  - id: asiapress\n", "  - id: iso-7810\n")
    second = [n for n, line in enumerate((course_dir / LESSON).read_text().splitlines(), 1) if "id: iso-7810" in line][
        1
    ]
    assert any(f"{LESSON}:{second}: duplicate source id 'iso-7810'" in p for p in problems_in(course_dir))


def test_several_problems_are_all_reported(course_dir):
    edit(course_dir / QUIZ, "type: single", "type: hotspot")
    edit(course_dir / LESSON, "[@asiapress]", "[@nobody]")
    (course_dir / "lessons" / "07-stray").mkdir()
    problems = problems_in(course_dir)
    assert len(problems) >= 3
    assert any("unknown type" in p for p in problems)
    assert any("citation [@nobody]" in p for p in problems)
    assert any("07-stray:1: this folder is not a module" in p for p in problems)


def test_hostile_svg_figure_is_refused(course_dir):
    (course_dir / "lessons/figures/card.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    assert any("card.svg:1: SVG contains a <script> element" in p for p in problems_in(course_dir))


@pytest.mark.parametrize(
    "payload, message",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>', "event handler"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<image x:href="https://evil.example/a.png"/></svg>',
            "external resource",
        ),
        ('<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
        ("<html><body>not svg</body></html>", "not an SVG"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignobject"),
    ],
)
def test_svg_tricks_are_refused(course_dir, payload, message):
    (course_dir / "lessons/figures/card.svg").write_text(payload)
    assert any(message in p for p in problems_in(course_dir))


def test_a_png_named_figure_must_be_a_png(course_dir):
    (course_dir / "lessons/figures/photo.png").write_bytes(b"<html>not a png</html>")
    assert any("photo.png:1: the file's content is not a PNG image" in p for p in problems_in(course_dir))


def test_import_writes_the_course_with_rendered_html(app, course_dir):
    with app.app_context():
        summary = import_course(course_dir)
        assert (summary.modules, summary.lessons, summary.quizzes, summary.questions) == (2, 3, 3, 7)
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "what-a-card-is"))
        assert '<sup class="citation"><a href="#source-iso-7810"' in lesson.body_html
        assert "<figure>" in lesson.body_html and "<figcaption>The front of a card</figcaption>" in lesson.body_html
        assert [s["id"] for s in lesson.sources] == ["iso-7810", "asiapress"]
        assert 'id="source-asiapress"' in lesson.sources_html
        chip = db.session.scalar(select(Lesson).where(Lesson.slug == "what-a-chip-adds"))
        assert chip.lab_tasks == ["no-remote-read"]


def test_import_is_all_or_nothing(app, course_dir):
    edit(course_dir / QUIZ, "type: single", "type: hotspot")
    with app.app_context():
        with pytest.raises(ContentError) as error:
            import_course(course_dir)
        assert "unknown type" in str(error.value)
        assert db.session.scalar(select(func.count(Course.id))) == 0


def test_reimport_updates_in_place_and_keeps_progress_and_attempts(app, course_dir, auth):
    student_id = auth.create("sam")
    with app.app_context():
        import_course(course_dir)
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "what-a-card-is"))
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        db.session.add(LessonProgress(user_id=student_id, lesson_id=lesson.id))
        db.session.add(Attempt(user_id=student_id, quiz_id=quiz.id, number=1, snapshot=[], max_score=1))
        db.session.commit()
        lesson_id, quiz_id = lesson.id, quiz.id

    edit(course_dir / LESSON, "title: What a card is", "title: What an ID card is")
    edit(course_dir / QUIZ, "What was the **old** card made of?", "What was the old card's body made of?")
    with app.app_context():
        summary = import_course(course_dir)
        assert summary.created is False
        lesson = db.session.get(Lesson, lesson_id)
        assert lesson.title == "What an ID card is"
        question = db.session.scalar(select(Question).where(Question.quiz_id == quiz_id, Question.key == "body"))
        assert "body made of" in question.prompt_markdown
        assert db.session.scalar(select(func.count(LessonProgress.id))) == 1
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
        assert db.session.scalar(select(func.count(Course.id))) == 1
        assert db.session.get(User, student_id) is not None


def test_reimport_removes_lessons_and_unpublishes_quizzes_that_left(app, course_dir):
    with app.app_context():
        import_course(course_dir)
    (course_dir / "lessons/01-basics/02-registries.md").unlink()
    (course_dir / "quizzes/chips-quiz.yaml").unlink()
    with app.app_context():
        import_course(course_dir)
        assert db.session.scalar(select(Lesson).where(Lesson.slug == "registries")) is None
        assert db.session.scalar(select(Quiz.published).where(Quiz.slug == "chips-quiz")) is False


def test_cli_check_reports_and_exits_non_zero(runner, course_dir):
    edit(course_dir / QUIZ, "type: single", "type: hotspot")
    result = runner.invoke(args=["course", "check", str(course_dir)])
    assert result.exit_code != 0
    assert f"{QUIZ}:{line_of(course_dir / QUIZ, 'type: hotspot')}: question 'body': unknown type" in result.output


def test_cli_check_speaks_the_sites_language(app, runner, course_dir):
    """On a Korean site (DEFAULT_LANGUAGE=ko) `course check` reports in Korean, each problem still at its path:line."""
    app.config["DEFAULT_LANGUAGE"] = "ko"
    edit(course_dir / QUIZ, "type: single", "type: hotspot")
    result = runner.invoke(args=["course", "check", str(course_dir)])
    line = line_of(course_dir / QUIZ, "type: hotspot")
    assert result.exit_code != 0
    assert f"{QUIZ}:{line}: 문항 'body': 알 수 없는 유형 'hotspot'(사용 가능: " in result.output
    assert "problem" not in result.output and "찾았습니다." in result.output


def test_cli_check_clean_folder(runner, course_dir):
    result = runner.invoke(args=["course", "check", str(course_dir)])
    assert result.exit_code == 0 and "No problems found" in result.output  # warnings (objectives) do not fail


def test_cli_import_twice_is_idempotent(app, runner, course_dir):
    first = runner.invoke(args=["course", "import", str(course_dir)])
    second = runner.invoke(args=["course", "import", str(course_dir)])
    assert first.exit_code == 0 and "Created course 'sample-course'" in first.output
    assert second.exit_code == 0 and "Updated course 'sample-course'" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Lesson.id))) == 3


def test_cli_import_refuses_a_broken_folder(app, runner, course_dir):
    edit(course_dir / LESSON, "[@asiapress]", "[@nobody]")
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code != 0 and "Nothing imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Course.id))) == 0


def test_cli_users_create(app, runner):
    result = runner.invoke(args=["users", "create", "Teacher", "--role", "instructor", "--password", "long enough pw"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.username == "teacher")) == "instructor"
    again = runner.invoke(args=["users", "create", "teacher", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already taken" in again.output
