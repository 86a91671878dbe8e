"""The student journey through lessons: outline, lesson pages, completion, progress, glossary, figures."""

import re
import shutil
from datetime import timedelta

import pytest
from markupsafe import Markup
from sqlalchemy import select

from course import create_app
from course.content import import_course
from course.extensions import db
from course.fragments import Fragment, hole
from course.models import Attempt, LabSubmission, Lesson, LessonProgress, Module, Quiz
from tests.conftest import AuthActions
from tests.dom import parse

COURSE = "/courses/sample-course"


@pytest.fixture
def student(auth, sample_course):
    return auth.as_role("student", "sam")


def test_catalog_lists_the_course(client, student):
    page = client.get("/").get_data(as_text=True)
    assert "Sample course" in page and f'href="{COURSE}"' in page


def test_outline_shows_modules_lessons_status_and_progress(client, student):
    page = client.get(COURSE).get_data(as_text=True)
    assert page.index("Basics") < page.index("Chips")
    assert page.index("What a card is") < page.index("Registries") < page.index("What a chip adds")
    assert page.count("Not started") == 3
    assert 'value="0"' in page and "Basics quiz" in page and "Final check" in page
    assert "Start: What a card is" in page


def test_lesson_page_shows_objectives_body_citations_figure_and_sources(client, student):
    page = client.get(f"{COURSE}/lessons/what-a-card-is").get_data(as_text=True)
    assert "Say what an ID card proves" in page
    assert '<a href="#source-iso-7810" title="Source 1">[1]</a>' in page
    assert '<li id="source-iso-7810"><em>ISO/IEC 7810' in page
    assert (
        '<img src="../figures/card.svg" alt="A card front with a photo on the left and seven fields on the right"'
        in page
    )
    assert "<table>" in page
    assert 'rel="next" href="/courses/sample-course/lessons/registries"' in page
    assert 'rel="prev"' not in page
    assert 'href="/courses/sample-course/glossary#registry">Registry</a>' in page


def test_relative_links_in_lessons_resolve(client, student):
    page = client.get(f"{COURSE}/lessons/what-a-card-is").get_data(as_text=True)
    assert 'href="../lessons/what-a-chip-adds"' in page and 'href="../glossary#registry"' in page
    assert client.get(f"{COURSE}/lessons/what-a-chip-adds").status_code == 200
    assert client.get(f"{COURSE}/glossary").status_code == 200


def test_last_lesson_of_a_module_leads_to_its_quiz(client, student):
    page = client.get(f"{COURSE}/lessons/registries").get_data(as_text=True)
    assert f'href="{COURSE}/quizzes/basics-quiz"' in page
    assert "Mark complete and take the module quiz" in page
    completed = client.post(f"{COURSE}/lessons/registries/complete")
    assert completed.location.endswith(f"{COURSE}/quizzes/basics-quiz")
    page = client.get(f"{COURSE}/lessons/registries").get_data(as_text=True)
    assert f'class="button" href="{COURSE}/quizzes/basics-quiz">Take the quiz: ' in page


def test_lab_block_links_to_the_lab(client, student):
    page = client.get(f"{COURSE}/lessons/what-a-chip-adds").get_data(as_text=True)
    assert 'class="lab-embed" data-preset="nk-2019" data-task="no-remote-read"' in page
    assert 'href="/lab?preset=nk-2019&amp;task=no-remote-read"' in page


def test_mark_complete_moves_on_and_can_be_undone(app, client, student):
    response = client.post(f"{COURSE}/lessons/what-a-card-is/complete")
    assert response.status_code == 302 and response.location.endswith("/lessons/registries")
    outline = client.get(COURSE).get_data(as_text=True)
    assert outline.count("Completed") == 1
    client.post(f"{COURSE}/lessons/what-a-card-is/complete")
    with app.app_context():
        record = db.session.scalar(select(LessonProgress))
        assert record.completed_at is None and record.user_id == student


def test_progress_page_and_continue_link(app, client, student):
    client.get(f"{COURSE}/lessons/what-a-card-is")
    client.post(f"{COURSE}/lessons/what-a-card-is/complete")
    client.get(f"{COURSE}/lessons/registries")
    page = client.get("/progress").get_data(as_text=True)
    assert "Lessons completed: 1 of 3" in page
    assert "Continue where you left off: Registries" in page
    # 1 lesson of 3 + 0 of 2 module quizzes + 0 of the 1 lab task a lesson embeds = 1 of 6 = 17%
    assert "17" in [bar.get("value") for bar in parse(page).all("progress[max='100']")]
    assert "Not completed yet" in page


def test_reading_a_lesson_again_within_minutes_writes_nothing(app, client, student, count_queries):
    client.get(f"{COURSE}/lessons/what-a-card-is")
    with count_queries() as again:
        assert client.get(f"{COURSE}/lessons/what-a-card-is").status_code == 200
    assert not [s for s in again.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    with app.app_context():
        record = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == student))
        record.last_viewed_at -= timedelta(minutes=6)
        db.session.commit()
        earlier = record.last_viewed_at
    with count_queries() as later:
        client.get(f"{COURSE}/lessons/what-a-card-is")
    assert any(s.lstrip().upper().startswith("UPDATE LESSON_PROGRESS") for s in later.statements)
    with app.app_context():
        assert db.session.scalar(select(LessonProgress.last_viewed_at)) > earlier


def pass_quiz(app, user_id, slug):
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
        db.session.add(
            Attempt(
                user_id=user_id,
                quiz_id=quiz.id,
                number=1,
                snapshot=[],
                max_score=1,
                score=1,
                percent=100,
                passed=True,
                submitted_at=db.func.now(),
            )
        )
        db.session.commit()


def test_course_completes_when_all_lessons_done_and_module_quizzes_passed(app, client, student):
    for lesson in ("what-a-card-is", "registries", "what-a-chip-adds"):
        client.post(f"{COURSE}/lessons/{lesson}/complete")
    pass_quiz(app, student, "basics-quiz")
    assert "Course completed." not in client.get("/progress").get_data(as_text=True)
    pass_quiz(app, student, "chips-quiz")
    assert "Course completed." not in client.get("/progress").get_data(as_text=True)  # the embedded lab task is left
    with app.app_context():
        db.session.add(LabSubmission(user_id=student, task_slug="no-remote-read", design={}, checks=[], passed=True))
        db.session.commit()
    page = client.get("/progress").get_data(as_text=True)
    assert "Course completed." in page and 'value="100"' in page


def test_unknown_slugs_give_a_styled_404(client, student):
    for url in (
        "/courses/nope",
        f"{COURSE}/lessons/nope",
        f"{COURSE}/quizzes/nope",
        f"{COURSE}/figures/nope.svg",
        "/attempts/999",
        "/no/such/page",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.get_data(as_text=True) and 'class="site-header"' in response.get_data(
            as_text=True
        )


def test_figures_are_served_with_a_script_free_policy(client, student):
    response = client.get(f"{COURSE}/figures/card.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_pages_load_nothing_from_other_sites(client, student):
    for url in ("/", COURSE, f"{COURSE}/lessons/what-a-card-is", "/progress", f"{COURSE}/quizzes/basics-quiz"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        loaded = parse(html).all("script, link, img, iframe")
        head_and_assets = [element.get("src") or element.get("href") or "" for element in loaded]
        assert all(not re.match(r"(https?:)?//", url_) for url_ in head_and_assets), head_and_assets
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_are_accessible_basics(client, student):
    html = client.get(f"{COURSE}/lessons/what-a-card-is").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html and 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert html.count("<h1>") == 1
    # The page is in the interface's language; the lesson keeps the course's own (issue 15).
    assert '<article class="lesson" lang="en" dir="ltr">' in html
    korean = client.get(f"{COURSE}/lessons/what-a-card-is", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<html lang="ko" dir="ltr">' in korean and '<article class="lesson" lang="en" dir="ltr">' in korean


def test_anonymous_visitors_are_sent_to_login(client, auth, sample_course):
    auth.create("teacher", "instructor")
    for url in (
        "/",
        COURSE,
        f"{COURSE}/lessons/what-a-card-is",
        f"{COURSE}/glossary",
        "/progress",
        f"{COURSE}/quizzes/basics-quiz",
        f"{COURSE}/figures/card.svg",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url


def test_students_get_403_on_instructor_pages(client, student):
    assert client.get("/teach/").status_code == 403
    assert client.post("/teach/open-registration").status_code == 403


def bigger_course(course_dir, lessons: int):
    """Add lessons to the sample course so query counts can be compared at two sizes."""
    template = (course_dir / "lessons/01-basics/02-registries.md").read_text()
    for number in range(3, 3 + lessons):
        text = template.replace("slug: registries", f"slug: extra-{number}").replace(
            "title: Registries", f"title: Extra {number}"
        )
        (course_dir / f"lessons/01-basics/{number:02d}-extra-{number}.md").write_text(text)


@pytest.mark.parametrize(
    "url",
    [COURSE, f"{COURSE}/lessons/what-a-card-is", f"{COURSE}/quizzes/basics-quiz", "/progress", "/"],
)
def test_page_queries_do_not_grow_with_the_course(app, client, auth, course_dir, count_queries, url):
    with app.app_context():
        import_course(course_dir)
    auth.as_role("student", "sam")
    for lesson in ("what-a-card-is", "registries"):
        client.post(f"{COURSE}/lessons/{lesson}/complete")
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    bigger_course(course_dir, 25)
    with app.app_context():
        import_course(course_dir)
    client.get(url)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.n == small.n, (small.statements, large.statements)
    assert small.n <= 12


# The queries each student page runs: the session, the content version, then the page's own (a lesson: its
# progress row; progress pages: lesson records, latest views, best attempts, passed lab tasks).
PAGE_QUERIES = {f"{COURSE}/lessons/what-a-card-is": 3, COURSE: 6, "/progress": 6, "/": 6}


@pytest.mark.parametrize("url", list(PAGE_QUERIES))
def test_student_pages_run_a_fixed_number_of_queries(client, student, count_queries, url):
    client.get(url)
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    assert counted.n == PAGE_QUERIES[url], counted.statements


@pytest.mark.parametrize("url", ["/progress", "/"])
def test_a_second_course_adds_no_query_to_the_progress_pages(app, client, student, course_dir, count_queries, url):
    client.post(f"{COURSE}/lessons/what-a-card-is/complete")
    with count_queries() as one_course:
        client.get(url)
    second = course_dir.parent / "second"
    shutil.copytree(course_dir, second)
    manifest = second / "lessons/course.yaml"
    manifest.write_text(
        manifest.read_text().replace("slug: sample-course", "slug: second-course").replace("Sample course", "Second")
    )
    with app.app_context():
        import_course(second)
    client.get(url)
    with count_queries() as two_courses:
        page = client.get(url).get_data(as_text=True)
    assert "Second" in page and "Sample course" in page
    assert two_courses.n == one_course.n, two_courses.statements
    if url == "/progress":
        assert "Lessons completed: 1 of 3" in page and "Lessons completed: 0 of 3" in page


def test_the_course_cache_follows_changes_made_by_another_process(app, client, student, count_queries):
    """Lesson pages come from a per-process cache; a change saved by another process (here a second app on the
    same database) moves the content version, and the next page shows the change."""
    assert "What a card is" in client.get(f"{COURSE}/lessons/what-a-card-is").get_data(as_text=True)
    with count_queries() as cached:
        client.get(f"{COURSE}/lessons/what-a-card-is")
    assert not any("FROM lessons" in statement for statement in cached.statements)

    shared = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")
    other_process = create_app({"INSTANCE_PATH": app.instance_path, **{key: app.config[key] for key in shared}})
    with other_process.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "what-a-card-is"))
        lesson.title = "What an identity card is"
        db.session.commit()
        db.engine.dispose()
    page = client.get(f"{COURSE}/lessons/what-a-card-is").get_data(as_text=True)
    assert "What an identity card is" in page


def test_an_unpublished_lesson_leaves_the_cache_at_once(app, client, student):
    assert client.get(f"{COURSE}/lessons/registries").status_code == 200
    assert "Registries" in client.get(COURSE).get_data(as_text=True)  # the outline's fragment is made and kept
    with app.app_context():
        db.session.scalar(select(Lesson).where(Lesson.slug == "registries")).published = False
        db.session.commit()
    assert client.get(f"{COURSE}/lessons/registries").status_code == 404
    assert "Registries" not in client.get(COURSE).get_data(as_text=True)


def test_the_outline_is_rendered_once_yet_each_reader_sees_their_own(app, student):
    """The outline's modules are one fragment for every reader of a language and role (course.fragments); each
    student's lesson statuses and quiz results, and the teacher's guide for instructors only, are filled in per
    page, whoever asked first."""
    with app.app_context():
        module = db.session.scalar(select(Module).order_by(Module.position))
        module.teacher_guide = {"timing": {"discussion": 10}}
        module.teacher_guide_html = "<p>Ask who has been asked for a card this week.</p>"
        db.session.commit()
    readers, ids = {}, {}
    for username, role in (("teacher", "instructor"), ("ana", "student"), ("kim", "student")):
        readers[username] = app.test_client()
        ids[username] = AuthActions(app, readers[username]).as_role(role, username)
    outline = {name: reader.get(COURSE).get_data(as_text=True) for name, reader in readers.items()}
    assert "Ask who has been asked" in outline["teacher"] and "Ask who has been asked" not in outline["ana"]

    readers["ana"].post(f"{COURSE}/lessons/what-a-card-is/complete")
    readers["kim"].get(f"{COURSE}/lessons/registries")
    pass_quiz(app, ids["ana"], "basics-quiz")
    ana, kim = (readers[name].get(COURSE).get_data(as_text=True) for name in ("ana", "kim"))
    assert (ana.count("Completed"), ana.count("Started"), ana.count("Not started")) == (1, 0, 2)
    assert (kim.count("Completed"), kim.count("Started"), kim.count("Not started")) == (0, 1, 2)
    assert "Passed · best 100%" in ana and "Passed" not in kim and kim.count("Not attempted") == 2
    assert "Ask who has been asked" not in ana + kim


def test_a_fragment_fills_every_hole_and_escapes_text():
    fragment = Fragment.split(f"<ol>{hole('a')}<li>{hole('b')}</li></ol>")
    assert fragment.holes == ("a", "b")
    assert fragment.fill({"a": Markup("<b>done</b>"), "b": "<script>"}) == "<ol><b>done</b><li>&lt;script&gt;</li></ol>"
    with pytest.raises(KeyError):
        fragment.fill({"a": "only one"})


def test_a_lesson_is_rendered_once_per_state_yet_each_reader_gets_their_own_form(app, student):
    """A lesson's content is one fragment per completed state (course.fragments): a reader who completed it and one
    who did not each see their own button, and each page's form carries its own reader's CSRF token."""
    readers = {}
    for username in ("ana", "kim"):
        readers[username] = app.test_client()
        AuthActions(app, readers[username]).as_role("student", username)
    url = f"{COURSE}/lessons/what-a-card-is"
    readers["ana"].post(f"{url}/complete")
    pages = {name: parse(reader.get(url).get_data(as_text=True)) for name, reader in readers.items()}
    assert pages["ana"].first("form.complete-form button").text.strip() == "Mark as not completed"
    assert pages["kim"].first("form.complete-form button").text.strip() == "Mark complete and continue"
    tokens = {}
    for name, page in pages.items():
        form_token, sign_out_token = (
            page.first(f"{form} input[name='csrf_token']")["value"]
            for form in ("form.complete-form", "form.inline-form")
        )
        assert form_token == sign_out_token  # the hole holds this reader's token, as base.html renders it
        tokens[name] = form_token
    assert tokens["ana"] != tokens["kim"]
