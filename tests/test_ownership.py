"""Course ownership: only a course's owners and administrators change it (authoring, zip and GIFT import, export,
publishing, deletion); owners add and remove co-authors; imports and new courses belong to whoever made them; a
re-import that would delete shows the counts and needs a confirmation, in the browser and on the command line;
existing courses go to the first administrator when the migration runs."""

import io
import re
import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from course import create_app
from course.content import import_course
from course.content.archive import course_zip
from course.content.exporter import course_files, course_for_export
from course.extensions import db
from course.models import AuditEvent, Course, CourseOwner, Lesson, LessonProgress, User
from tests.conftest import DATA
from tests.dom import input_value

SLUG = "sample-course"
REGISTRIES = "lessons/01-basics/02-registries.md"


@pytest.fixture
def owned(app, auth, sample_course):
    """The sample course owned by instructor 'owner'; 'other' is an instructor too, 'admin' an administrator."""
    ids = {
        name: auth.create(name, role)
        for name, role in (("owner", "instructor"), ("other", "instructor"), ("admin", "admin"), ("sam", "student"))
    }
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == sample_course))
        db.session.add(CourseOwner(course_id=course_id, user_id=ids["owner"]))
        db.session.commit()
    return {**ids, "course_id": course_id}


def owner_names(app, slug: str = SLUG) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(User.username)
                .join(CourseOwner, CourseOwner.user_id == User.id)
                .join(Course, Course.id == CourseOwner.course_id)
                .where(Course.slug == slug)
            )
        )


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def course_routes(app):
    """Every author and transfer route of one course, with real values, and its methods."""
    values = {
        "slug": SLUG,
        "module_id": 1,
        "lesson_slug": "what-a-card-is",
        "quiz_slug": "basics-quiz",
        "key": "body",
        "revision_id": 1,
        "name": "card.svg",
        "user_id": 1,
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("author.", "transfer.")) and "slug" in rule.arguments:
            url = app.url_map.bind("localhost").build(rule.endpoint, {a: values[a] for a in rule.arguments})
            yield url, sorted(rule.methods & {"GET", "POST"})


def zip_of(app, slug: str = SLUG, without: tuple[str, ...] = (), title: str | None = None) -> bytes:
    """The course as exported, less some files, retitled if asked."""
    with app.app_context():
        files = course_files(course_for_export(slug))
    if title:
        files["lessons/course.yaml"] = files["lessons/course.yaml"].replace(b"Sample course", title.encode())
    return course_zip({name: data for name, data in files.items() if name not in without})


def upload(client, archive: bytes, **fields):
    return client.post(
        "/transfer/import",
        content_type="multipart/form-data",
        data={"archive": (io.BytesIO(archive), "course.zip"), **fields},
    )


def progress_on_registries(app, student_id: int) -> None:
    with app.app_context():
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == "registries"))
        db.session.add(LessonProgress(user_id=student_id, lesson_id=lesson_id))
        db.session.commit()


def lesson_exists(app, slug: str = "registries") -> bool:
    with app.app_context():
        return db.session.scalar(select(Lesson.id).where(Lesson.slug == slug)) is not None


# --- who may -----------------------------------------------------------------------------------------------------


def test_a_non_owner_instructor_gets_403_on_every_route_of_the_course(app, client, auth, owned):
    routes = list(course_routes(app))
    assert len(routes) >= 30
    auth.login("other")
    for url, methods in routes:
        for method in methods:
            response = client.open(url, method=method, data={})
            assert response.status_code == 403, (method, url, response.status_code)
    assert lesson_exists(app) and owner_names(app) == {"owner"}


@pytest.mark.parametrize("username", ["owner", "admin"])
def test_owners_and_admins_reach_every_page_of_the_course(app, client, auth, owned, username):
    auth.login(username)
    for url, methods in course_routes(app):
        if "GET" in methods:
            status = client.get(url).status_code  # 302: the figure preview; 404: a new question needs ?type=
            assert status in (200, 302) or (status == 404 and url.endswith("/questions/")), (url, status)


def test_the_author_and_transfer_lists_say_which_courses_are_others(app, client, auth, owned):
    auth.login("other")
    page = client.get("/author/").get_data(as_text=True)
    assert f'href="/author/courses/{SLUG}"' not in page and "owned by others" in page
    assert f"/transfer/courses/{SLUG}/export.zip" not in client.get("/transfer/").get_data(as_text=True)
    auth.logout()
    auth.login("owner")
    assert f'href="/author/courses/{SLUG}"' in client.get("/author/").get_data(as_text=True)


def test_a_course_created_in_the_browser_belongs_to_its_creator(app, client, auth, owned):
    auth.login("other")
    response = client.post(
        "/author/new-course", data={"slug": "mine", "title": "Mine", "summary": "", "language": "en"}
    )
    assert response.status_code == 302
    assert owner_names(app, "mine") == {"other"}
    assert client.get("/author/courses/mine").status_code == 200
    assert [e.target for e in events(app, "course.created")] == ["course mine"]


def test_publishing_and_deleting_are_for_owners_and_recorded(app, client, auth, owned):
    auth.login("other")
    assert client.post(f"/author/courses/{SLUG}/publish").status_code == 403
    assert client.post(f"/author/courses/{SLUG}/delete", data={"confirm": "y"}).status_code == 403
    auth.logout()
    auth.login("owner")
    assert client.post(f"/author/courses/{SLUG}/publish").status_code == 302
    assert [e.actor_name for e in events(app, "course.unpublished")] == ["owner"]
    assert client.post(f"/author/courses/{SLUG}/delete", data={"confirm": "y"}).status_code == 302
    deleted = events(app, "course.deleted")
    assert len(deleted) == 1 and deleted[0].target == f"course {SLUG}" and "3 lessons" in deleted[0].detail


# --- co-authors --------------------------------------------------------------------------------------------------


def test_an_owner_adds_and_removes_a_co_author(app, client, auth, owned):
    auth.login("owner")
    page = client.get(f"/author/courses/{SLUG}").get_data(as_text=True)
    assert 'id="owners"' in page and "Add a co-author" in page
    response = client.post(f"/author/courses/{SLUG}/owners", data={"username": "Other "}, follow_redirects=True)
    assert "other is now an owner" in response.get_data(as_text=True)
    assert owner_names(app) == {"owner", "other"}
    auth.logout()
    auth.login("other")
    assert client.get(f"/author/courses/{SLUG}").status_code == 200
    assert client.post(f"/author/courses/{SLUG}/owners/{owned['owner']}/remove").status_code == 302
    assert owner_names(app) == {"other"}
    assert [e.detail for e in events(app, "course.owner_added")] == ["added other"]
    assert [e.detail for e in events(app, "course.owner_removed")] == ["removed owner"]


def test_the_last_owner_stays_and_students_or_strangers_cannot_be_added(app, client, auth, owned):
    auth.login("owner")
    page = client.post(f"/author/courses/{SLUG}/owners/{owned['owner']}/remove", follow_redirects=True).get_data(
        as_text=True
    )
    assert "keeps at least one owner" in page
    for username, message in (
        ("sam", "no instructor or administrator"),
        ("nobody", "no instructor or administrator"),
        ("", "Give the username"),
        ("x" * 41, "40 characters"),
    ):
        page = client.post(
            f"/author/courses/{SLUG}/owners", data={"username": username}, follow_redirects=True
        ).get_data(as_text=True)
        assert message in page, username
    assert client.post(f"/author/courses/{SLUG}/owners/{owned['sam']}/remove").status_code == 404
    assert owner_names(app) == {"owner"}


def test_co_author_forms_need_the_csrf_token(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        db.create_all()
        admin = User(username="admin", role="admin")
        admin.set_password("correct horse battery")
        db.session.add_all([admin, Course(slug=SLUG, title="Sample")])
        db.session.commit()
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = input_value(login, "csrf_token")
    client.post("/login", data={"username": "admin", "password": "correct horse battery", "csrf_token": token})
    assert client.post(f"/author/courses/{SLUG}/owners/1/remove").status_code == 400
    response = client.post(f"/author/courses/{SLUG}/owners", data={"username": "admin"}, follow_redirects=True)
    assert "The form expired. Reload the page and try again." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseOwner)) == 0


# --- zip import: owners, confirmation ----------------------------------------------------------------------------


def test_a_zip_import_creates_a_course_owned_by_the_importer(app, client, auth, owned):
    archive = zip_of(app)
    with app.app_context():
        db.session.execute(Course.__table__.delete())
        db.session.commit()
    auth.login("other")
    assert upload(client, archive).status_code == 302
    assert owner_names(app) == {"other"}
    imported = events(app, "course.imported")
    assert len(imported) == 1 and imported[0].actor_name == "other" and imported[0].detail.startswith("created")


def test_a_non_owner_cannot_reimport_a_course(app, client, auth, owned):
    archive = zip_of(app, without=(REGISTRIES,))
    auth.login("other")
    response = upload(client, archive)
    assert response.status_code == 403
    assert "belongs to others" in response.get_data(as_text=True)
    assert lesson_exists(app) and events(app, "course.imported") == []


def test_a_reimport_that_deletes_shows_the_counts_and_changes_nothing_until_confirmed(app, client, auth, owned):
    progress_on_registries(app, owned["sam"])
    archive = zip_of(app, without=(REGISTRIES,))
    auth.login("owner")
    response = upload(client, archive)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "1 lesson deleted, with 1 lesson progress record of students" in page
    assert lesson_exists(app)
    digest, losses = input_value(page, "zip_digest"), input_value(page, "losses")
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and re.fullmatch(r"[0-9-]+", losses)

    # Without the box ticked, or with another zip, nothing happens.
    assert upload(client, archive, zip_digest=digest, losses=losses).status_code == 409
    other = zip_of(app, without=(REGISTRIES,), title="Another")
    page = upload(client, other, zip_digest=digest, losses=losses, confirm="y").get_data(as_text=True)
    assert "This is not the zip you confirmed" in page and "1 lesson deleted" in page
    assert lesson_exists(app)

    response = upload(client, archive, zip_digest=digest, losses=losses, confirm="y")
    assert response.status_code == 302
    assert not lesson_exists(app)
    with app.app_context():
        assert db.session.scalar(select(func.count(LessonProgress.id))) == 0
    assert "confirmed losses" in events(app, "course.imported")[0].detail


def test_a_confirmation_is_for_the_counts_shown(app, client, auth, owned):
    archive = zip_of(app, without=(REGISTRIES,))
    auth.login("owner")
    page = upload(client, archive).get_data(as_text=True)
    digest, losses = input_value(page, "zip_digest"), input_value(page, "losses")
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and re.fullmatch(r"[0-9-]+", losses)
    progress_on_registries(app, owned["sam"])  # a student works on the lesson meanwhile
    response = upload(client, archive, zip_digest=digest, losses=losses, confirm="y")
    assert response.status_code == 409 and "changed since you confirmed" in response.get_data(as_text=True)
    assert lesson_exists(app)


def test_a_reimport_that_loses_nothing_needs_no_confirmation(app, client, auth, owned):
    auth.login("owner")
    assert upload(client, zip_of(app)).status_code == 302


def test_gift_import_and_exports_are_for_owners_and_recorded(app, client, auth, owned):
    auth.login("owner")
    assert client.get(f"/transfer/courses/{SLUG}/export.zip").status_code == 200
    assert client.get(f"/transfer/courses/{SLUG}/quizzes/basics-quiz/export.gift").status_code == 200
    assert [e.detail for e in events(app, "course.exported")] == ["as a zip", "quiz basics-quiz as GIFT"]


# --- the command line --------------------------------------------------------------------------------------------


def test_cli_import_needs_yes_to_delete(app, runner, auth, owned, course_dir):
    progress_on_registries(app, owned["sam"])
    (course_dir / "lessons/01-basics/02-registries.md").unlink()
    result = runner.invoke(args=["course", "import", str(course_dir)])
    assert result.exit_code == 1
    assert "would be lost: 1 lesson deleted, with 1 lesson progress record" in result.output
    assert "Run again with --yes" in result.output and lesson_exists(app)
    result = runner.invoke(args=["course", "import", str(course_dir), "--yes"])
    assert result.exit_code == 0, result.output
    assert not lesson_exists(app)
    assert [e.actor_name for e in events(app, "course.imported")] == ["(command line)"]


def test_cli_import_owner_is_named_or_the_first_admin(app, runner, auth, tmp_path):
    auth.create("teacher", "instructor")
    auth.create("head", "admin")
    auth.create("deputy", "admin")
    auth.create("sam")
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(DATA / "sample", first)
    shutil.copytree(DATA / "sample", second)
    (second / "lessons/course.yaml").write_text(
        (second / "lessons/course.yaml").read_text().replace(f"slug: {SLUG}", "slug: second-course")
    )
    assert runner.invoke(args=["course", "import", str(first)]).exit_code == 0
    assert owner_names(app) == {"head"}
    result = runner.invoke(args=["course", "import", str(second), "--owner", "teacher"])
    assert result.exit_code == 0, result.output
    assert owner_names(app, "second-course") == {"teacher"}
    for name in ("sam", "nobody"):
        result = runner.invoke(args=["course", "import", str(first), "--owner", name])
        assert result.exit_code == 2 and f"there is no instructor or administrator '{name}'" in result.output
    assert runner.invoke(args=["course", "import", str(first), "--owner", "teacher"]).exit_code == 0
    assert owner_names(app) == {"head", "teacher"}


def test_library_import_without_a_guard_still_owns_nothing(app, course_dir):
    with app.app_context():
        import_course(course_dir)
        assert db.session.scalar(select(func.count()).select_from(CourseOwner)) == 0


# --- the migration -----------------------------------------------------------------------------------------------


def test_the_migration_gives_existing_courses_to_the_first_admin(empty_app):
    with empty_app.app_context():
        upgrade(revision="0007_user_sessions")
        with db.engine.begin() as connection:
            for number, (name, role) in enumerate((("teach", "instructor"), ("head", "admin"), ("deputy", "admin"))):
                connection.execute(
                    text(
                        "INSERT INTO users (id, username, password_hash, role, created_at, must_change_password) "
                        "VALUES (:id, :name, 'x', :role, CURRENT_TIMESTAMP, :no)"
                    ),
                    {"id": number + 1, "name": name, "role": role, "no": False},
                )
            for number, slug in enumerate(("one", "two")):
                connection.execute(
                    text(
                        "INSERT INTO courses (id, slug, title, summary, language, published, position, glossary, "
                        "updated_at) VALUES (:id, :slug, :slug, '', 'en', :yes, 0, '[]', CURRENT_TIMESTAMP)"
                    ),
                    {"id": number + 1, "slug": slug, "yes": True},
                )
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT course_id, user_id FROM course_owners ORDER BY course_id")).all()
        assert [tuple(row) for row in rows] == [(1, 2), (2, 2)]


def test_the_migration_leaves_courses_without_owner_when_there_is_no_admin(empty_app):
    with empty_app.app_context():
        upgrade(revision="0007_user_sessions")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO courses (id, slug, title, summary, language, published, position, glossary, "
                    "updated_at) VALUES (1, 'one', 'One', '', 'en', :yes, 0, '[]', CURRENT_TIMESTAMP)"
                ),
                {"yes": True},
            )
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM course_owners")).scalar() == 0
