"""Authoring in the browser: courses, modules and lessons (create, edit, reorder, delete), the lesson editor's
checks and preview, drafts, figures, authorisation and query counts. Quizzes: test_author_quiz.py."""

import re
import struct
import zlib

import pytest
from sqlalchemy import func, select

from course import create_app
from course.extensions import db
from course.models import Course, CourseOwner, Figure, Lesson, LessonProgress, Module, Quiz, Revision, User
from tests.conftest import PASSWORD
from tests.dom import input_value, parse
from tests.test_sanitize import HOSTILE, active_content

AUTHOR = "/author/courses/sample-course"


@pytest.fixture
def instructor(app, auth, sample_course):
    """An instructor who owns the sample course (only owners and administrators change a course)."""
    user_id = auth.as_role("instructor", "teach")
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
        db.session.add(CourseOwner(course_id=course_id, user_id=user_id))
        db.session.commit()
    return user_id


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\0\0\0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def lesson_row(app, slug: str) -> Lesson | None:
    with app.app_context():
        return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


def module_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Module.id).where(Module.slug == slug))


def lesson_form(app, **changes) -> dict:
    """A valid new-lesson form for the sample course's first module."""
    data = {
        "module": str(module_id(app, "basics")),
        "slug": "new-lesson",
        "title": "A new lesson",
        "minutes": "7",
        "objectives": "Explain a registry\nCompare two cards",
        "key_terms": "registry",
        "body": 'A registry lists people [@src].\n\n![A card with a photo](figures/card.svg "The card")\n',
        "sources-0-id": "src",
        "sources-0-title": "A source",
        "sources-0-publisher": "A publisher",
        "sources-0-url": "https://example.org/a",
        "save": "Save",
    }
    data.update(changes)
    return data


def errors_at(page: str, field_id: str) -> list[str]:
    """The error messages render_field shows under one field."""
    help_block = parse(page).first(f"div[id='{field_id}-help']")
    return help_block.texts("p.error") if help_block else []


def article(page: str) -> str:
    return parse(page).one("article.lesson").html


# --- authorisation ---------------------------------------------------------------------------------------------

ROUTE_VALUES = {
    "slug": "sample-course",
    "module_id": 1,
    "lesson_slug": "what-a-card-is",
    "quiz_slug": "basics-quiz",
    "key": "body",
    "revision_id": 1,
    "name": "card.svg",
    "user_id": 1,
}


def author_routes(app):
    """Every author route with real values for its parameters, and its methods."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("author."):
                url = app.url_map.bind("localhost").build(rule.endpoint, {a: ROUTE_VALUES[a] for a in rule.arguments})
                yield url, sorted(rule.methods & {"GET", "POST"})


def test_every_author_route_needs_an_instructor(app, client, auth, sample_course):
    routes = list(author_routes(app))
    assert len(routes) >= 30
    auth.create("teach", "instructor")
    for url, methods in routes:
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/login" in response.location, (method, url)
    auth.as_role("student", "sam")
    for url, methods in routes:
        for method in methods:
            assert client.open(url, method=method).status_code == 403, (method, url)


JUNK = {
    "slug": "x\x00y",
    "title": "\x00",
    "summary": "\x00",
    "language": "\x00",
    "minutes": "9" * 40,
    "module": "abc",
    "objectives": "\x00\n\x00",
    "key_terms": "[",
    "body": "\x00 [@ ![](",
    "sources-0-id": "\x00",
    "sources-999-url": "javascript:x",
    "pass_mark": "1e309",
    "max_attempts": "-0",
    "placement": "module:",
    "shuffle": "maybe",
    "key": "\x00",
    "prompt": "\x00",
    "choices-0-text": "\x00",
    "choices-0-correct": "maybe",
    "truth": "maybe",
    "answer": "nan",
    "tolerance": "inf",
    "points": "1e400",
    "tags": ",,,",
    "direction": "x",
    "objective": "\x00",
    "source": "javascript:alert(1)",
    "name": "../../etc/passwd",
    "replace": "y",
}


def test_junk_posted_to_any_author_route_never_causes_a_server_error(app, client, instructor):
    for url, methods in author_routes(app):
        if "POST" in methods and not url.endswith("/delete"):
            for extra in (
                {},
                {"save": "Save", "preview": "Preview"},
                {"row_action": "choices-up-999"},
                {"row_action": "sources-remove-5"},
            ):
                assert client.post(url, data={**JUNK, **extra}).status_code < 500, url
    for kind in ("single", "numeric", "true_false", "short_text", "multiple", "hotspot", ""):
        response = client.post(f"{AUTHOR}/quizzes/basics-quiz/questions/?type={kind}", data=JUNK)
        assert response.status_code < 500


def test_nul_characters_never_reach_the_database(app, client, instructor):
    response = client.post(f"{AUTHOR}/lessons/", data=lesson_form(app, title="A\x00B", body="Text\x00 [@src]."))
    assert response.status_code == 302
    lesson = lesson_row(app, "new-lesson")
    assert (lesson.title, lesson.body_markdown) == ("AB", "Text [@src].")


def test_author_link_is_shown_to_instructors_only(client, auth, sample_course):
    auth.as_role("student", "sam")
    assert 'href="/author/"' not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.as_role("instructor", "teach")
    assert 'href="/author/">Author</a>' in client.get("/").get_data(as_text=True)


def test_author_posts_need_the_csrf_token(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "csrf",
            "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
        }
    )
    with app.app_context():
        db.create_all()
        user = User(username="teach", role="instructor")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = app.test_client()

    def token(url: str) -> str:
        return input_value(client.get(url).get_data(as_text=True), "csrf_token")

    client.post("/login", data={"username": "teach", "password": PASSWORD, "csrf_token": token("/login")})
    course = {"slug": "new-course", "title": "New", "language": "en"}
    assert client.post("/author/new-course", data=course).status_code == 400
    course["csrf_token"] = token("/author/new-course")
    assert client.post("/author/new-course", data=course).status_code == 302
    assert client.post("/author/courses/new-course/publish").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Course.published)) is False
        db.drop_all()
        db.engine.dispose()


# --- courses ---------------------------------------------------------------------------------------------------


def test_course_create_edit_publish_and_delete(app, client, auth, instructor):
    response = client.post(
        "/author/new-course",
        data={"slug": "privacy-101", "title": "Privacy 101", "summary": "Basics.", "language": "en"},
    )
    assert response.status_code == 302 and response.location.endswith("/author/courses/privacy-101")
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "privacy-101"))
        assert (course.title, course.published) == ("Privacy 101", False)
    assert "Privacy 101" in client.get("/author/").get_data(as_text=True)
    assert "Privacy 101" not in client.get("/").get_data(as_text=True)  # a draft is not in the catalog

    response = client.post(
        "/author/courses/privacy-101/settings",
        data={"slug": "privacy-basics", "title": "Privacy basics", "summary": "", "language": "fr"},
    )
    assert response.location.endswith("/author/courses/privacy-basics")
    client.post("/author/courses/privacy-basics/publish")
    assert "Privacy basics" in client.get("/").get_data(as_text=True)

    page = client.post("/author/courses/privacy-basics/delete", data={}).get_data(as_text=True)
    assert "Tick the box to confirm." in errors_at(page, "confirm")
    assert count(app, Course, Course.slug == "privacy-basics") == 1
    response = client.post("/author/courses/privacy-basics/delete", data={"confirm": "y"})
    assert response.location.endswith("/author/")
    assert count(app, Course, Course.slug == "privacy-basics") == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not A Slug", "Use lower-case letters"),
        ("slug", "sample-course", "Another course has this address."),
        ("title", "", "Give the course a title."),
        ("language", "english!", "Use a language tag"),
    ],
)
def test_course_form_errors_are_shown_at_the_field_and_nothing_is_saved(app, client, instructor, field, value, message):
    data = {"slug": "privacy-101", "title": "Privacy 101", "language": "en", field: value}
    response = client.post("/author/new-course", data=data)
    assert response.status_code == 200
    assert any(message in error for error in errors_at(response.get_data(as_text=True), field))
    assert count(app, Course) == 1


def test_deleting_a_course_says_what_is_lost_and_removes_everything(app, client, auth, instructor):
    sam = auth.create("sam")
    with app.app_context():
        db.session.add(LessonProgress(user_id=sam, lesson_id=db.session.scalar(select(Lesson.id).limit(1))))
        db.session.commit()
    page = client.get(f"{AUTHOR}/delete").get_data(as_text=True)
    assert "2 modules, 3 lessons and 3 quizzes" in page and "1 lesson progress records" in page
    client.post(f"{AUTHOR}/delete", data={"confirm": "y"})
    for model in (Course, Module, Lesson, Quiz, Figure, LessonProgress):
        assert count(app, model) == 0


# --- modules ---------------------------------------------------------------------------------------------------


def module_order(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Module.slug).order_by(Module.position)))


def test_module_create_edit_reorder_and_delete(app, client, instructor):
    response = client.post(f"{AUTHOR}/modules/new", data={"slug": "registries", "title": "Registries", "summary": ""})
    assert response.status_code == 302
    assert module_order(app) == ["basics", "chips", "registries"]
    new_id = module_id(app, "registries")
    with app.app_context():
        assert db.session.get(Module, new_id).published is False

    page = client.post(f"{AUTHOR}/modules/new", data={"slug": "chips", "title": "Again"}).get_data(as_text=True)
    assert "Another module of this course has this address." in errors_at(page, "slug")
    assert count(app, Module) == 3

    client.post(f"{AUTHOR}/modules/{new_id}", data={"slug": "state-registries", "title": "State registries"})
    client.post(f"{AUTHOR}/modules/{new_id}/move", data={"direction": "up"})
    assert module_order(app) == ["basics", "state-registries", "chips"]
    client.post(f"{AUTHOR}/modules/{new_id}/move", data={"direction": "up"})
    client.post(f"{AUTHOR}/modules/{new_id}/move", data={"direction": "up"})  # already first: nothing happens
    assert module_order(app) == ["state-registries", "basics", "chips"]
    assert client.post(f"{AUTHOR}/modules/{new_id}/move", data={"direction": "sideways"}).status_code == 400

    chips = module_id(app, "chips")
    page = client.get(f"{AUTHOR}/modules/{chips}/delete").get_data(as_text=True)
    assert "1 lessons and 1 quizzes of this module" in page
    client.post(f"{AUTHOR}/modules/{chips}/delete", data={"confirm": "y"})
    assert module_order(app) == ["state-registries", "basics"]
    assert lesson_row(app, "what-a-chip-adds") is None
    assert count(app, Quiz, Quiz.slug == "chips-quiz") == 0
    assert client.get(f"{AUTHOR}/modules/999").status_code == 404


# --- lessons ---------------------------------------------------------------------------------------------------


def test_create_a_lesson_as_a_draft_with_a_revision(app, client, instructor):
    response = client.post(f"{AUTHOR}/lessons/", data=lesson_form(app))
    assert response.status_code == 302 and response.location.endswith(f"{AUTHOR}/lessons/new-lesson")
    lesson = lesson_row(app, "new-lesson")
    assert (lesson.published, lesson.position, lesson.minutes) == (False, 2, 7)
    assert lesson.objectives == ["Explain a registry", "Compare two cards"] and lesson.key_terms == ["registry"]
    assert lesson.sources == [
        {"id": "src", "title": "A source", "publisher": "A publisher", "url": "https://example.org/a", "number": 1}
    ]
    assert '<a href="#source-src" title="Source 1">[1]</a>' in lesson.body_html
    assert '<img src="../figures/card.svg" alt="A card with a photo"' in lesson.body_html
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(Revision.lesson_id == lesson.id))
        assert revision.summary == "Created" and revision.content["body_markdown"].startswith("A registry")
        assert revision.author.username == "teach"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Bad Slug"}, "slug", "use lower-case letters and digits in words joined by hyphens"),
        ({"slug": "registries"}, "slug", "another lesson of this course has this address"),
        ({"title": ""}, "title", "Give the lesson a title."),
        ({"minutes": "0"}, "minutes", "give the minutes to read as a whole number from 1 to 600"),
        ({"minutes": "soon"}, "minutes", "Not a valid integer value."),
        ({"objectives": ""}, "objectives", "Add at least one objective: what a student can do after the lesson"),
        ({"key_terms": "no-such-term"}, "key_terms", "key term 'no-such-term' is not an anchor"),
        ({"body": "Intro.\nSee [@nowhere]."}, "body", "Line 2: citation [@nowhere] does not match any source"),
        ({"body": "![](figures/card.svg)"}, "body", "Line 1: image figures/card.svg needs alt text"),
        ({"body": "![Map](figures/missing.png)"}, "body", "figure figures/missing.png not found"),
        ({"body": "[next](lesson:no-such-lesson)"}, "body", "link to unknown lesson 'no-such-lesson'"),
        (
            {"sources-0-url": "javascript:alert(1)"},
            "sources-0-url",
            "the address (url) must start with http:// or https://",
        ),
        ({"sources-0-title": ""}, "sources-0-title", "has no title: write one"),
        ({"sources-0-id": "bad id!"}, "sources-0-id", "give each source an id of letters"),
        ({"module": "999"}, "module", "Not a valid choice."),
    ],
)
def test_lesson_errors_are_shown_at_the_field_and_nothing_is_saved(app, client, instructor, changes, field, message):
    page = client.post(f"{AUTHOR}/lessons/", data=lesson_form(app, **changes)).get_data(as_text=True)
    assert any(message.lower() in error.lower() for error in errors_at(page, field)), errors_at(page, field)
    assert count(app, Lesson) == 3 and count(app, Revision) == 0


def test_editing_an_imported_lesson_keeps_a_baseline_and_each_save(app, client, instructor):
    url = f"{AUTHOR}/lessons/registries"
    page = client.get(url).get_data(as_text=True)
    assert 'name="slug"' in page and "Registries" in page
    before = lesson_row(app, "registries")
    data = {
        "module": str(before.module_id),
        "slug": "registries",
        "title": "Registries, renamed",
        "minutes": "4",
        "objectives": "\n".join(before.objectives),
        "key_terms": "",
        "body": "New text.",
        "save": "Save",
    }
    for index, source in enumerate(before.sources):
        data.update({f"sources-{index}-{key}": value for key, value in source.items() if key != "number"})
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={**data, "body": "Newer text."}).status_code == 302
    after = lesson_row(app, "registries")
    assert (after.title, after.body_markdown, after.minutes) == ("Registries, renamed", "Newer text.", 4)
    with app.app_context():
        revisions = db.session.scalars(select(Revision).where(Revision.lesson_id == after.id).order_by(Revision.id))
        assert [(r.summary, r.content["body_markdown"]) for r in revisions] == [
            ("As it was before the first edit in the browser", before.body_markdown),
            ("Saved", "New text."),
            ("Saved", "Newer text."),
        ]


def test_a_lesson_others_link_to_keeps_its_slug_and_cannot_be_deleted(app, client, instructor):
    target = lesson_row(app, "what-a-chip-adds")  # linked from what-a-card-is
    data = {
        "module": str(target.module_id),
        "slug": "renamed",
        "title": target.title,
        "minutes": "3",
        "objectives": "\n".join(target.objectives),
        "body": target.body_markdown,
        "save": "Save",
    }
    for index, source in enumerate(target.sources):
        data.update({f"sources-{index}-{key}": value for key, value in source.items() if key != "number"})
    page = client.post(f"{AUTHOR}/lessons/what-a-chip-adds", data=data).get_data(as_text=True)
    assert any("Other lessons link to this lesson" in e for e in errors_at(page, "slug"))
    assert lesson_row(app, "what-a-chip-adds") is not None
    page = client.post(f"{AUTHOR}/lessons/what-a-chip-adds/delete", data={"confirm": "y"})
    assert page.status_code == 409 and "These lessons link to it: What a card is" in page.get_data(as_text=True)
    assert lesson_row(app, "what-a-chip-adds") is not None


def test_lessons_move_up_and_down_and_to_another_module(app, client, instructor):
    def order(module_slug):
        with app.app_context():
            return list(
                db.session.scalars(
                    select(Lesson.slug).join(Module).where(Module.slug == module_slug).order_by(Lesson.position)
                )
            )

    assert order("basics") == ["what-a-card-is", "registries"]
    client.post(f"{AUTHOR}/lessons/registries/move", data={"direction": "up"})
    assert order("basics") == ["registries", "what-a-card-is"]
    client.post(f"{AUTHOR}/lessons/registries/move", data={"direction": "down"})
    assert order("basics") == ["what-a-card-is", "registries"]

    lesson = lesson_row(app, "registries")
    data = {
        "module": str(module_id(app, "chips")),
        "slug": "registries",
        "title": lesson.title,
        "minutes": "2",
        "objectives": "\n".join(lesson.objectives),
        "body": lesson.body_markdown,
        "save": "Save",
    }
    for index, source in enumerate(lesson.sources):
        data.update({f"sources-{index}-{key}": value for key, value in source.items() if key != "number"})
    assert client.post(f"{AUTHOR}/lessons/registries", data=data).status_code == 302
    assert order("chips") == ["what-a-chip-adds", "registries"] and order("basics") == ["what-a-card-is"]


def test_deleting_a_lesson_asks_first_and_removes_its_progress(app, client, auth, instructor):
    sam = auth.create("sam")
    lesson = lesson_row(app, "registries")
    with app.app_context():
        db.session.add(LessonProgress(user_id=sam, lesson_id=lesson.id))
        db.session.commit()
    page = client.get(f"{AUTHOR}/lessons/registries/delete").get_data(as_text=True)
    assert "1 progress records of students" in page
    client.post(f"{AUTHOR}/lessons/registries/delete", data={})
    assert lesson_row(app, "registries") is not None
    client.post(f"{AUTHOR}/lessons/registries/delete", data={"confirm": "y"})
    assert lesson_row(app, "registries") is None and count(app, LessonProgress) == 0


def test_row_buttons_add_remove_and_move_sources_without_saving(app, client, instructor):
    data = lesson_form(app, save="", **{"sources-1-id": "second", "sources-1-title": "Second"})
    page = client.post(f"{AUTHOR}/lessons/", data={**data, "row_action": "sources-add"}).get_data(as_text=True)
    assert 'name="sources-2-id"' in page and count(app, Lesson) == 3
    page = client.post(f"{AUTHOR}/lessons/", data={**data, "row_action": "sources-up-1"}).get_data(as_text=True)
    assert parse(page).one("input[name=sources-0-id]")["value"] == "second"
    page = client.post(f"{AUTHOR}/lessons/", data={**data, "row_action": "sources-remove-0"}).get_data(as_text=True)
    assert parse(page).one("input[name=sources-0-id]")["value"] == "second" and 'value="src"' not in page


# --- preview ---------------------------------------------------------------------------------------------------


def test_preview_renders_citations_and_figures_without_saving(app, client, instructor):
    form = lesson_form(app, save="", preview="Preview")
    page = client.post(f"{AUTHOR}/lessons/", data=form).get_data(as_text=True)
    shown = article(page)
    assert '<sup class="citation"><a href="#source-src" title="Source 1">[1]</a></sup>' in shown
    assert '<figure><img src="../figures/card.svg" alt="A card with a photo"' in shown
    assert "<figcaption>The card</figcaption>" in shown and '<li id="source-src"><em>A source</em>' in shown
    assert count(app, Lesson) == 3
    # the relative figure address resolves from the editor's address, drafts included
    response = client.get(f"{AUTHOR}/figures/card.svg")
    assert response.status_code == 302 and client.get(response.location).mimetype == "image/svg+xml"


@pytest.mark.parametrize("text", HOSTILE)
def test_preview_and_saved_lesson_make_hostile_text_inert(app, client, auth, instructor, text):
    form = lesson_form(
        app,
        title=f"Title {text}",
        objectives=f"Objective {text}",
        body=f"Body {text}\n",
        **{"sources-0-title": f"Source {text}", "save": "", "preview": "Preview"},
    )
    assert active_content(article(client.post(f"{AUTHOR}/lessons/", data=form).get_data(as_text=True))) == []
    form.update(save="Save", preview="")
    assert client.post(f"{AUTHOR}/lessons/", data=form).status_code == 302
    client.post(f"{AUTHOR}/lessons/new-lesson/publish")
    for url in (f"{AUTHOR}/preview/new-lesson", f"{AUTHOR}/lessons/new-lesson/history?revision=1"):
        page = client.get(url).get_data(as_text=True)
        document = parse(page)
        body = (document.first("article.lesson") or document.one("section#shown")).html
        assert active_content(body) == [], url
    auth.logout()
    auth.as_role("student", "sam")
    assert active_content(article(client.get("/courses/sample-course/lessons/new-lesson").get_data(as_text=True))) == []


# --- drafts ----------------------------------------------------------------------------------------------------


def test_draft_lessons_are_hidden_from_students_and_previewed_by_instructors(app, client, auth, instructor):
    client.post(f"{AUTHOR}/lessons/", data=lesson_form(app))
    assert client.get(f"{AUTHOR}/preview/new-lesson").status_code == 200
    auth.logout()
    auth.as_role("student", "sam")
    assert client.get("/courses/sample-course/lessons/new-lesson").status_code == 404
    assert "A new lesson" not in client.get("/courses/sample-course").get_data(as_text=True)
    auth.logout()
    auth.login("teach")
    client.post(f"{AUTHOR}/lessons/new-lesson/publish")
    auth.logout()
    auth.login("sam")
    assert client.get("/courses/sample-course/lessons/new-lesson").status_code == 200


def test_a_draft_module_hides_its_lessons_and_quiz(app, client, auth, instructor):
    client.post(f"{AUTHOR}/modules/{module_id(app, 'chips')}/publish")  # published → draft
    auth.logout()
    auth.as_role("student", "sam")
    outline = client.get("/courses/sample-course").get_data(as_text=True)
    assert "What a chip adds" not in outline and "Chips quiz" not in outline
    assert client.get("/courses/sample-course/lessons/what-a-chip-adds").status_code == 404
    assert client.get("/courses/sample-course/quizzes/chips-quiz").status_code == 404
    assert client.post("/courses/sample-course/quizzes/chips-quiz/start").status_code == 404
    assert client.post("/courses/sample-course/lessons/what-a-chip-adds/complete").status_code == 404


def test_a_draft_course_is_hidden_with_its_figures(app, client, auth, instructor):
    client.post(f"{AUTHOR}/publish")
    assert client.get("/courses/sample-course/figures/card.svg").status_code == 200  # instructors preview drafts
    auth.logout()
    auth.as_role("student", "sam")
    assert 'href="/courses/sample-course"' not in client.get("/").get_data(as_text=True)
    for url in (
        "/courses/sample-course",
        "/courses/sample-course/lessons/registries",
        "/courses/sample-course/figures/card.svg",
        "/courses/sample-course/quizzes/basics-quiz",
    ):
        assert client.get(url).status_code == 404, url


# --- figures ---------------------------------------------------------------------------------------------------


def upload(client, data: bytes, filename: str, **fields):
    from io import BytesIO

    return client.post(
        f"{AUTHOR}/figures/", data={"image": (BytesIO(data), filename), **fields}, content_type="multipart/form-data"
    )


def figure_names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Figure.name)))


def test_a_png_upload_is_stored_as_a_course_figure(app, client, instructor):
    response = upload(client, png_bytes(), "Card Back.PNG")
    assert response.status_code == 302
    assert figure_names(app) == ["card-back.png", "card.svg"]
    assert client.get("/courses/sample-course/figures/card-back.png").mimetype == "image/png"
    assert "figures/card-back.png" in client.get(f"{AUTHOR}/figures/").get_data(as_text=True)
    # the type comes from the bytes: a PNG named .jpg is stored as what it is
    upload(client, png_bytes(), "photo.jpg")
    assert "photo.png" in figure_names(app)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "innocent.png", "not a PNG, JPEG, WebP or SVG image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg", "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
            "x.svg",
            "external resource",
        ),
        (b"GIF89a\x01\x00", "x.gif", "not a PNG, JPEG, WebP or SVG image"),
    ],
)
def test_hostile_or_unknown_uploads_are_refused_at_the_field(app, client, instructor, data, filename, message):
    page = upload(client, data, filename).get_data(as_text=True)
    assert any(message in error for error in errors_at(page, "image")), errors_at(page, "image")
    assert figure_names(app) == ["card.svg"]


def test_too_large_uploads_are_refused(app, client, instructor):
    app.config["FIGURE_MAX_BYTES"] = 1024
    page = upload(client, png_bytes() + b"\0" * 2048, "big.png").get_data(as_text=True)
    assert "The image is larger than 1 KiB." in errors_at(page, "image")
    assert figure_names(app) == ["card.svg"]


def test_replacing_and_deleting_figures(app, client, instructor):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    page = upload(client, svg, "card.svg").get_data(as_text=True)
    assert any("Tick this box to replace it" in e for e in errors_at(page, "replace"))
    assert upload(client, svg, "card.svg", replace="y").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Figure.data).where(Figure.name == "card.svg")) == svg
    response = client.post(f"{AUTHOR}/figures/card.svg/delete", data={"confirm": "y"})
    assert response.status_code == 409 and "These lessons show it: What a card is" in response.get_data(as_text=True)
    upload(client, png_bytes(), "spare.png")
    client.post(f"{AUTHOR}/figures/spare.png/delete", data={"confirm": "y"})
    assert figure_names(app) == ["card.svg"]


# --- bounded queries -------------------------------------------------------------------------------------------


def grow_course(app, copies: int = 8) -> None:
    """Add modules, lessons, questions, figures and revisions, so a page that loops over them would show it."""
    with app.app_context():
        course = db.session.scalar(select(Course))
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "registries"))
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        for number in range(copies):
            module = Module(course=course, slug=f"extra-{number}", title=f"Extra {number}", position=10 + number)
            db.session.add(module)
            for lesson_number in range(3):
                db.session.add(
                    Lesson(
                        course_id=course.id,
                        module=module,
                        slug=f"extra-{number}-{lesson_number}",
                        title="Extra",
                        objectives=["x"],
                        position=lesson_number,
                    )
                )
            db.session.add(Quiz(course=course, module=module, slug=f"extra-quiz-{number}", title="Extra quiz"))
            db.session.add(Figure(course=course, name=f"extra-{number}.png", media_type="image/png", data=png_bytes()))
            for question in list(quiz.questions)[:2]:
                copy = {c.key: getattr(question, c.key) for c in question.__table__.columns if c.key not in ("id",)}
                db.session.add(type(question)(**{**copy, "key": f"{question.key}-{number}", "position": 10 + number}))
            db.session.add(Revision(lesson_id=lesson.id, content={"slug": "registries"}, summary="Saved"))
            db.session.add(Revision(quiz_id=quiz.id, content={"slug": "basics-quiz"}, summary="Saved"))
        db.session.commit()


EDITOR_PAGES = [
    "/author/",
    AUTHOR,
    f"{AUTHOR}/lessons/registries",
    f"{AUTHOR}/preview/registries",
    f"{AUTHOR}/quizzes/basics-quiz",
    f"{AUTHOR}/quizzes/basics-quiz/questions/body",
    f"{AUTHOR}/quizzes/basics-quiz/preview",
    f"{AUTHOR}/lessons/registries/history",
    f"{AUTHOR}/quizzes/basics-quiz/history",
    f"{AUTHOR}/figures/",
    f"{AUTHOR}/delete",
    f"{AUTHOR}/modules/1/delete",
]


def test_editor_pages_run_a_fixed_number_of_queries(app, client, instructor, count_queries):
    def queries() -> dict[str, int]:
        counts = {}
        for url in EDITOR_PAGES:
            with count_queries() as counted:
                assert client.get(url).status_code == 200, url
            counts[url] = counted.n
        return counts

    small = queries()
    grow_course(app)
    assert queries() == small
    # The course page is the heaviest: the course tree, its owners, figures, and the review of its sources and
    # objectives, which reads the course as its export would.
    assert max(small.values()) <= 14, small


def test_instructors_order_courses_in_the_catalog(app, client, auth, sample_course):
    """Courses can be moved up and down; students see the catalog in that order."""
    auth.as_role("instructor", "teacher")
    assert (
        client.post(
            "/author/new-course", data={"title": "Another course", "slug": "another", "summary": "", "language": "en"}
        ).status_code
        == 302
    )
    with app.app_context():
        another = db.session.scalar(select(Course).where(Course.slug == "another"))
        another.published = True
        db.session.commit()
    client.post("/author/courses/sample-course/move", data={"direction": "down"})
    client.post("/author/courses/another/move", data={"direction": "up"})
    auth.logout()
    auth.as_role("student", "reader")
    catalog = client.get("/").get_data(as_text=True)
    assert catalog.index("Another course") < catalog.index("Sample course")


# --- fewer mistakes: slugs made from titles, the error summary, author.js ---------------------------------------


def test_an_empty_slug_is_made_from_the_title_on_the_server(app, client, instructor):
    course = {"slug": "", "title": "Privacy & the État: 101", "language": "en"}
    response = client.post("/author/new-course", data=course)
    assert response.status_code == 302 and count(app, Course, Course.slug == "privacy-the-etat-101") == 1
    client.post(f"{AUTHOR}/modules/new", data={"slug": " ", "title": "State registries", "summary": ""})
    assert module_order(app)[-1] == "state-registries"
    response = client.post(f"{AUTHOR}/lessons/", data=lesson_form(app, slug="", title="Chip vs. paper — why?"))
    assert response.status_code == 302 and lesson_row(app, "chip-vs-paper-why") is not None
    # A slug the author typed wins over the title.
    client.post(f"{AUTHOR}/lessons/", data=lesson_form(app, slug="my-own", title="Something else"))
    assert lesson_row(app, "my-own") is not None and lesson_row(app, "something-else") is None


def test_a_title_without_letters_leaves_the_slug_to_the_author(app, client, instructor):
    page = client.post("/author/new-course", data={"slug": "", "title": "???", "language": "en"}).get_data(as_text=True)
    assert "Give an address, or a title to make one from." in errors_at(page, "slug")
    assert count(app, Course) == 1


def test_the_error_summary_lists_and_links_each_field_error(app, client, instructor):
    data = lesson_form(app, objectives="", **{"sources-0-url": "javascript:alert(1)"})
    page = client.post(f"{AUTHOR}/lessons/", data=data).get_data(as_text=True)
    document = parse(page)
    summary = document.one("div.error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and "There is a problem" in summary.text
    assert summary.start < document.one("#title").start  # at the top, before the fields
    links = {link["href"].removeprefix("#"): link.text for link in summary.all("a[href^='#']")}
    assert links["objectives"] == "Objectives: Add at least one objective: what a student can do after the lesson"
    assert links["sources-0-url"].startswith("Source 1, Address (URL): Source 'src': the address (url) must start")
    # Every linked field exists on the page and shows the same message beside it.
    for field_id, text in links.items():
        assert document.first(f"[id='{field_id}']") and text.split(": ", 1)[1] in errors_at(page, field_id)
    untitled = client.post(f"{AUTHOR}/lessons/", data=lesson_form(app, title="")).get_data(as_text=True)
    assert '<a href="#title">Title: Give the lesson a title.</a>' in untitled
    assert count(app, Lesson) == 3


def test_every_authoring_form_shows_the_summary(app, client, instructor):
    pages = [
        client.post("/author/new-course", data={"slug": "Bad Slug", "title": "T", "language": "en"}),
        client.post(f"{AUTHOR}/modules/new", data={"slug": "", "title": ""}),
        client.post(
            f"{AUTHOR}/quizzes/",
            data={"slug": "Bad Slug", "title": "Q", "placement": "final", "pass_mark": "70", "max_attempts": "0"},
        ),
        client.post(f"{AUTHOR}/delete", data={}),
    ]
    for response in pages:
        page = response.get_data(as_text=True)
        summary = parse(page).one("div.error-summary")
        assert summary.all("a[href='#slug'], a[href='#title'], a[href='#confirm']"), page[:3000]


def test_author_js_is_served_and_referenced_without_inline_script(app, client, instructor):
    for url in ("/author/new-course", f"{AUTHOR}/modules/new", f"{AUTHOR}/lessons/", f"{AUTHOR}/quizzes/"):
        page = client.get(url).get_data(as_text=True)
        document = parse(page)
        scripts = document.all("script")
        assert scripts and all(script.get("src") and not script.raw_text.strip() for script in scripts), url
        author_js = document.one("script[src^='/static/author.js?v=']")
        assert re.fullmatch(r"/static/author\.js\?v=[0-9a-f]{12}", author_js["src"]), url
        assert author_js.get("defer") == "", url
        assert document.one("input#slug")["data-slug-from"] == "title", url
        assert "script-src 'self'" in client.get(url).headers["Content-Security-Policy"]
    script = client.get("/static/author.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    text = script.get_data(as_text=True)
    assert "data-slug-from" in text and "data-error-summary" in text
    script.close()
