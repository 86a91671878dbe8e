"""Export a course from the database and read it back: the folder format, byte-identical round trips, and zips
that are refused safely (nothing extracted outside, nothing changed in the database)."""

import dataclasses
import io
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from course import PROJECT_ROOT
from course.content import ContentError, import_course, load_course
from course.content.archive import course_zip, import_course_zip
from course.content.exporter import SOURCE_ORDER, course_files, course_for_export, write_course_folder
from course.content.loader import SOURCE_FIELDS
from course.extensions import db
from course.models import Course, Lesson, Module, Quiz

QUIZ = "quizzes/basics-quiz.yaml"
LESSON = "lessons/01-basics/01-what-a-card-is.md"


def exported(slug: str) -> dict[str, bytes]:
    """Export from a fresh session, as a later request would, so nothing left in memory by the import counts."""
    db.session.remove()
    return course_files(course_for_export(slug))


def empty_database() -> None:
    """A fresh instance: every table dropped and created again."""
    db.session.remove()
    db.drop_all()
    db.create_all()


def differing(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def without_paths(course_data) -> dict:
    """What a course folder says, leaving out where its files were read from."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "path"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(dataclasses.asdict(course_data))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(params=["sample", "bundled"])
def source_folder(request, course_dir):
    """The sample course, and the bundled course as the content writers have it now."""
    return course_dir if request.param == "sample" else PROJECT_ROOT


# --- round trips ------------------------------------------------------------------------------------------------


def test_export_import_export_gives_byte_identical_files(app, source_folder, tmp_path):
    with app.app_context():
        slug = import_course(source_folder).course.slug
        first = exported(slug)
        write_course_folder(first, tmp_path / "first")
        empty_database()
        summary = import_course(tmp_path / "first")
        assert summary.created
        second = exported(slug)
    assert list(first) == list(second)
    assert differing(first, second) == []
    assert course_zip(first) == course_zip(second)


def test_export_loses_nothing_import_reads(app, source_folder, tmp_path):
    with app.app_context():
        write_course_folder(exported(import_course(source_folder).course.slug), tmp_path / "export")
    assert without_paths(load_course(tmp_path / "export")) == without_paths(load_course(source_folder))


def test_awkward_text_survives_the_round_trip(app, course_dir, tmp_path):
    edit(course_dir / LESSON, "title: What a card is", 'title: "yes: a card -- \\"quoted\\" #not-a-comment"')
    edit(course_dir / LESSON, "## A card and a register", "## A card and a register\r\n\r\n---\r\n\r\nTrailing   ")
    edit(course_dir / LESSON, "minutes: 3", "minutes: 3\nkey_terms: [registry, chip]")
    edit(course_dir / LESSON, "key_terms: [registry]\n", "")
    edit(
        course_dir / QUIZ,
        "prompt: What was the **old** card made of?",
        'prompt: "What was the **old** card made of?\\n\\n---\\n\\n- yes\\n- no  "\n    tags: [material, "on"]'
        "\n    objective: Say what an ID card proves",
    )
    edit(course_dir / QUIZ, "{text: Metal, feedback: No card was metal.}", '{text: "no", feedback: "null"}')
    edit(course_dir / QUIZ, "answer: 85.6", "answer: 8.56e+1")
    edit(
        course_dir / QUIZ,
        "explanation: Both were printed.",
        "explanation: |\n      Both were printed:\n\n      | field | printed |\n      |---|---|\n      | blood | yes |",
    )
    edit(course_dir / QUIZ, "points: 2", "points: 2.5")
    edit(
        course_dir / "lessons/glossary.yaml",
        "definition: A small computer in the card.",
        "definition: \"A small computer\\n\\nin the card — ünïcödé, 'quotes'.\"",
    )
    with app.app_context():
        import_course(course_dir)
        first = exported("sample-course")
        write_course_folder(first, tmp_path / "first")
        empty_database()
        import_course(tmp_path / "first")
        second = exported("sample-course")
    assert differing(first, second) == []
    assert without_paths(load_course(tmp_path / "first")) == without_paths(load_course(course_dir))
    assert b"\r" not in first[LESSON]


# --- what is written --------------------------------------------------------------------------------------------


def test_export_writes_the_documented_folder(app, sample_course):
    with app.app_context():
        files = exported(sample_course)
    assert [name for name in files if not name.endswith("/")] == [
        "lessons/01-basics/01-what-a-card-is.md",
        "lessons/01-basics/02-registries.md",
        "lessons/02-chips/01-what-a-chip-adds.md",
        "lessons/course.yaml",
        "lessons/figures/card.svg",
        "lessons/glossary.yaml",
        "quizzes/basics-quiz.yaml",
        "quizzes/chips-quiz.yaml",
        "quizzes/final-check.yaml",
    ]
    course = yaml.safe_load(files["lessons/course.yaml"])
    assert list(course) == ["slug", "title", "summary", "language", "modules"]
    assert course["modules"][0] == {"slug": "basics", "title": "Basics", "summary": "What cards are."}
    front, body = files[LESSON].decode().removeprefix("---\n").split("---\n", 1)
    front = yaml.safe_load(front)
    assert list(front) == ["slug", "title", "minutes", "objectives", "key_terms", "sources"]
    assert all("number" not in source for source in front["sources"])
    assert body.startswith("## A card and a register\n") and body.endswith("(lesson:what-a-chip-adds).\n")
    assert (
        files["lessons/figures/card.svg"] == (PROJECT_ROOT / "tests/data/sample/lessons/figures/card.svg").read_bytes()
    )
    glossary = yaml.safe_load(files["lessons/glossary.yaml"])
    assert glossary["terms"][0] == {"term": "Chip", "anchor": "chip", "definition": "A small computer in the card."}
    quiz = yaml.safe_load(files[QUIZ])
    assert list(quiz) == ["slug", "title", "module", "pass_mark", "max_attempts", "shuffle", "questions"]
    body_question, fields_question = quiz["questions"][:2]
    assert body_question["choices"][0] == {"text": "Laminated paper", "correct": True, "feedback": "Yes."}
    assert "correct" not in body_question["choices"][1] and "points" not in body_question
    assert fields_question["points"] == 2
    assert yaml.safe_load(files["quizzes/final-check.yaml"])["final"] is True


def test_every_source_field_the_loader_reads_is_exported():
    assert set(SOURCE_ORDER) == SOURCE_FIELDS


def test_draft_quizzes_stay_behind(app, sample_course):
    with app.app_context():
        db.session.scalar(select(Quiz).where(Quiz.slug == "chips-quiz")).published = False
        db.session.commit()
        assert "quizzes/chips-quiz.yaml" not in exported(sample_course)


def test_a_module_without_lessons_and_a_quiz_without_module_still_import(app, sample_course):
    with app.app_context():
        course = db.session.scalar(select(Course))
        db.session.add(Module(course=course, slug="later", title="Later", position=9))
        db.session.scalar(select(Quiz).where(Quiz.slug == "chips-quiz")).module_id = None
        db.session.commit()
        files = exported(sample_course)
        assert "lessons/03-later/" in files
        assert yaml.safe_load(files["quizzes/chips-quiz.yaml"])["final"] is True
        empty_database()
        import_course_zip(io.BytesIO(course_zip(files)), "sample.zip")
        assert differing(files, exported(sample_course)) == []


def test_export_refuses_a_folder_that_holds_files(app, sample_course, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with app.app_context(), pytest.raises(FileExistsError):
        write_course_folder(exported(sample_course), tmp_path / "taken")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_export_runs_a_fixed_number_of_queries(app, sample_course, count_queries, course_dir):
    with app.app_context():
        with count_queries() as small:
            exported(sample_course)
        bigger = course_dir.parent / "bigger"
        write_course_folder(exported(sample_course), bigger)
        edit(bigger / "lessons/course.yaml", "slug: sample-course", "slug: bigger")
        for number in range(3, 9):
            folder = bigger / f"lessons/{number:02d}-extra-{number}"
            folder.mkdir()
            (folder / "01-x.md").write_text(f"---\nslug: x-{number}\ntitle: X\nminutes: 1\nobjectives: [o]\n---\nx\n")
            edit(bigger / "lessons/course.yaml", "modules:", f"modules:\n  - {{slug: extra-{number}, title: E}}")
        import_course(bigger)
        with count_queries() as big:
            exported("bigger")
    assert small.n == big.n


# --- zips -------------------------------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes], links: dict[str, str] | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            link = zipfile.ZipInfo(name)
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, target)
    buffer.seek(0)
    return buffer


@pytest.fixture
def sample_files(app, sample_course):
    with app.app_context():
        return exported(sample_course)


def course_state() -> tuple:
    """Enough of the database to see whether anything changed."""
    return (
        db.session.scalars(select(Course.title).order_by(Course.slug)).all(),
        db.session.scalar(select(func.count(Lesson.id))),
        db.session.scalars(select(Quiz.title).order_by(Quiz.slug)).all(),
    )


def refused(app, archive, **limits) -> list[str]:
    """Import a zip that must be refused; returns its problems after checking nothing changed."""
    with app.app_context():
        before = course_state()
        with pytest.raises(ContentError) as error:
            import_course_zip(archive, "upload.zip", **limits)
        assert course_state() == before
    return [str(problem) for problem in error.value.problems]


def renamed(files: dict[str, bytes]) -> dict[str, bytes]:
    """The sample course, retitled, so a wrongful import would show."""
    course_yaml = files["lessons/course.yaml"].replace(b"title: Sample course", b"title: Changed")
    return {**files, "lessons/course.yaml": course_yaml}


def test_zip_round_trip_into_an_empty_instance(app, sample_files):
    with app.app_context():
        empty_database()
        summary = import_course_zip(io.BytesIO(course_zip(sample_files)), "sample.zip")
        assert summary.created and summary.course.slug == "sample-course"
        assert course_zip(exported("sample-course")) == course_zip(sample_files)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../escaped.txt", "../../escaped.txt:1: contains '..'"),
        ("lessons/../../../escaped.txt", "lessons/../../../escaped.txt:1: contains '..'"),
        ("/escaped.txt", "/escaped.txt:1: is an absolute path"),
        ("C:/escaped.txt", "C:/escaped.txt:1: is an absolute path"),
        ("..\\escaped.txt", "has a backslash"),
    ],
)
def test_zip_entries_outside_the_course_folder_are_refused(app, sample_files, tmp_path, monkeypatch, name, message):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # extraction happens here, where an escape would show
    archive = zip_of({**renamed(sample_files), name: b"x"})
    assert any(message in problem for problem in refused(app, archive))
    assert list(tmp_path.rglob("*escaped.txt")) == [] and not Path("/escaped.txt").exists()


def test_zip_symlinks_are_refused(app, sample_files):
    archive = zip_of(renamed(sample_files), links={"lessons/figures/secret.svg": "/etc/passwd"})
    assert refused(app, archive) == [
        "lessons/figures/secret.svg:1: is a symbolic link: only files and folders are accepted"
    ]


def test_zip_bombs_are_refused_before_extraction(app, sample_files):
    archive = zip_of({**renamed(sample_files), "lessons/figures/zeros.svg": bytes(5 * 1024 * 1024)})
    assert len(archive.getvalue()) < 100 * 1024
    [problem] = refused(app, archive, max_bytes=1024 * 1024)
    assert problem == "upload.zip:1: unpacks to more than 1 MiB: refused as a possible zip bomb"


def test_zips_with_too_many_files_are_refused(app, sample_files):
    [problem] = refused(app, zip_of(renamed(sample_files)), max_files=5)
    assert problem == f"upload.zip:1: holds {len(sample_files)} entries; at most 5 are accepted"


def test_zip_entries_given_twice_are_refused(app, sample_files):
    archive = zip_of(renamed(sample_files) | {"quizzes/x.yaml": b"a"})
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(archive, "a") as appended:
        appended.writestr("quizzes/x.yaml", b"b")
    archive.seek(0)
    assert refused(app, archive) == ["upload.zip:1: holds 'quizzes/x.yaml' more than once"]


def test_a_file_that_is_not_a_zip_is_refused(app, sample_course):
    assert refused(app, io.BytesIO(b"PK\x03\x04 but not really")) == ["upload.zip:1: is not a zip file"]


def test_a_zip_without_course_yaml_is_refused(app, sample_files):
    archive = zip_of({name: data for name, data in sample_files.items() if name != "lessons/course.yaml"})
    [problem] = refused(app, archive)
    assert problem.startswith("upload.zip:1: no lessons/course.yaml in the zip")


def test_content_problems_are_named_by_their_path_inside_the_zip(app, sample_files):
    broken = renamed(sample_files)
    broken[QUIZ] = broken[QUIZ].replace(b"type: single", b"type: hotspot")
    line = broken[QUIZ].decode().splitlines().index("    type: hotspot") + 1
    [problem] = refused(app, zip_of(broken))
    assert problem.startswith(f"{QUIZ}:{line}: question 'body': unknown type 'hotspot'")


def test_a_zipped_folder_and_platform_litter_are_accepted(app, sample_files):
    wrapped = {f"sample-course/{name}": data for name, data in renamed(sample_files).items()}
    wrapped["__MACOSX/sample-course/._course.yaml"] = b"\x00\x05\x16\x07"
    wrapped["sample-course/lessons/figures/.DS_Store"] = b"\x00\x00\x00\x01Bud1"
    with app.app_context():
        summary = import_course_zip(zip_of(wrapped), "sample-course.zip")
        assert not summary.created and summary.course.title == "Changed"


def test_a_file_where_a_folder_must_go_is_refused(app, sample_files):
    files = {name: data for name, data in renamed(sample_files).items() if name != "lessons/figures/"}
    [problem] = refused(app, zip_of({"lessons/figures": b"not a folder", **files}))
    assert problem.startswith("lessons/figures/card.svg:1: cannot be unpacked")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("lessons/course.yaml", b"title: Changed", b"title: " + b"x" * 201, "the title is longer than 200 characters"),
        ("lessons/course.yaml", b"language: en", b"language: " + b"e" * 21, "language must be a tag"),
        (QUIZ, b"source: asiapress", b"source: https://example.org/" + b"x" * 490, "source is longer than 500"),
    ],
)
def test_values_too_long_for_the_database_are_refused_at_their_line(app, sample_files, file, old, new, message):
    files = renamed(sample_files)
    files[file] = files[file].replace(old, new, 1)
    line = files[file].split(new)[0].count(b"\n") + 1
    [problem] = refused(app, zip_of(files))
    assert problem.startswith(f"{file}:{line}: ") and message in problem
