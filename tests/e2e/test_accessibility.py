"""Every page of the student and instructor journeys, in a real browser at 1280 and 375 px wide, in light and dark
colour schemes: axe-core (vendored in tests/e2e/axe/) finds nothing serious or critical, and no page scrolls
sideways. One browser and one page per role, reused, so the run stays short."""

import os
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.serving import make_server

from course import create_app
from course.content import import_course
from course.extensions import db

AXE = (Path(__file__).parent / "axe" / "axe.min.js").read_text()
PASSWORD = "a long enough password"
COURSE = "chip-paper-state"
SIZES = ((1280, 900), (375, 700))
SCHEMES = ("light", "dark")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | '));
}"""
OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A live server for the whole module: schema from the migrations, the bundled course imported."""
    from flask_migrate import upgrade

    config = {"SECRET_KEY": "e2e-secret", "LOGIN_LIMITS": "1000 per minute", "MIN_STUDENTS_FOR_STATS": 1}
    if not os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path_factory.mktemp('a11y') / 'e2e.sqlite'}"
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision="heads")
        import_course(app.config["BUNDLED_COURSE_PATH"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def seed_class(app) -> dict:
    """An instructor (admin), a class on the bundled course and students at every stage: one finished a module,
    one stuck on a failed quiz, one idle, one not started."""
    from course.models import Classroom, Course, Enrollment, Lesson, LessonProgress, Quiz, User
    from course.models.users import utcnow
    from course.quiz.attempts import start_attempt, submit_attempt

    with app.app_context():
        teacher = User(username="teacher", role="admin")
        teacher.set_password(PASSWORD)
        db.session.add(teacher)
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        classroom = Classroom(name="Year 10 civics", owner=teacher, course_id=course.id)
        db.session.add(classroom)
        lessons = list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)))
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "what-id-is-for-quiz"))
        students = {}
        for name in ("student1", "amira", "bo", "chen", "dana"):
            user = User(username=name, role="student")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrollment(user_id=user.id, classroom_id=classroom.id))
            students[name] = user.id
        now = utcnow()
        for name, done, idle_days in (("amira", 4, 0), ("bo", 2, 1), ("chen", 1, 20)):
            for lesson in lessons[:done]:
                db.session.add(
                    LessonProgress(
                        user_id=students[name],
                        lesson_id=lesson.id,
                        completed_at=now,
                        last_viewed_at=now - timedelta(days=idle_days),
                    )
                )
        db.session.commit()
        for name in ("amira", "bo"):
            attempt = start_attempt(quiz, students[name])
            submit_attempt(attempt, {}, quiz.pass_mark)
        db.session.commit()
        return {"classroom": classroom.id, "students": students, "course": course.id}


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def audit(page, problems: list[str]) -> None:
    """axe and the sideways-scroll check on the current page at both widths in both schemes."""
    where = page.url.split("//", 1)[1].split("/", 1)[1]
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                problems.append(f"/{where} {width}px {scheme}: scrolls sideways by {overflow}px")
            if not page.evaluate("() => !!window.axe"):
                page.evaluate(AXE)
            for finding in page.evaluate(RUN_AXE):
                problems.append(f"/{where} {width}px {scheme}: {finding}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")


def visit(page, path: str, problems: list[str], status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    assert page.url.endswith(path), (path, page.url)  # not sent to the sign-in page
    audit(page, problems)


@pytest.fixture(scope="module")
def seeded(site):
    app, base = site
    return seed_class(app)


def test_student_pages_pass_axe_and_fit_a_phone(browser, site, seeded):
    _, base = site
    context = browser.new_context(base_url=base)
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in(page, "student1")
        for path in (
            "/",
            f"/courses/{COURSE}",
            f"/courses/{COURSE}/lessons/the-2019-reissue",
            f"/courses/{COURSE}/lessons/printed-stored-or-registry",
            f"/courses/{COURSE}/lessons/registries-behind-the-card",
            f"/courses/{COURSE}/lessons/id-design-lab-project",
            f"/courses/{COURSE}/glossary",
            f"/courses/{COURSE}/quizzes/what-id-is-for-quiz",
        ):
            visit(page, path, problems)
        page.get_by_role("button", name="Start the quiz").click()
        audit(page, problems)
        page.get_by_role("button", name="Submit for grading").click()
        audit(page, problems)
        for path in (
            "/progress",
            "/lab?task=no-remote-read",
            "/lab/tasks",
            "/lab/designs",
            "/account",
            "/account/data",
            "/classes/join",
            f"/courses/{COURSE}/lessons/the-census-desk",
            f"/courses/{COURSE}/scenarios/the-census-desk",
        ):
            visit(page, path, problems)
        visit(page, "/no-such-page", problems, status=404)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_instructor_pages_pass_axe_and_fit_a_phone(browser, site, seeded):
    _, base = site
    context = browser.new_context(base_url=base)
    page = context.new_page()
    problems: list[str] = []
    classroom = seeded["classroom"]
    try:
        sign_in(page, "teacher")
        for path in (
            "/teach/",
            f"/teach/classes/{classroom}",
            f"/teach/classes/{classroom}/dashboard",
            f"/teach/classes/{classroom}/gradebook",
            f"/teach/classes/{classroom}/students/{seeded['students']['amira']}",
            f"/teach/classes/{classroom}/quizzes/what-id-is-for-quiz/analysis",
            f"/teach/classes/{classroom}/roster",
            "/teach/admin/users",
            "/teach/admin/audit",
            "/author/",
            f"/author/courses/{COURSE}",
            f"/author/courses/{COURSE}/lessons/the-2019-reissue",
            f"/author/courses/{COURSE}/quizzes/what-id-is-for-quiz",
            f"/author/courses/{COURSE}/quizzes/what-id-is-for-quiz/questions/?type=matching",
            f"/author/courses/{COURSE}/quizzes/what-id-is-for-quiz/questions/reissue-as-count",
            f"/teach/classes/{classroom}/scenarios",
            "/transfer/",
            f"/transfer/courses/{COURSE}",
            "/lab/tasks/no-remote-read/submissions",
        ):
            visit(page, path, problems)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_no_request_leaves_the_site(browser, site, seeded):
    """A smoke check beside the journeys: the pages above load nothing from elsewhere."""
    _, base = site
    context = browser.new_context(base_url=base)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    try:
        sign_in(page, "student1")
        page.goto("/lab?task=no-remote-read")
        page.goto("/progress")
    finally:
        context.close()
    assert [url for url in urls if not url.startswith(base)] == []
    assert not any(re.match(r"https?://(?!127\.0\.0\.1)", url) for url in urls)
