"""The ID Design Lab in the app: the no-JavaScript form, bad input, saved and shared designs, task grading,
progress, the instructor's view, lesson embeds, query counts and the lab's migration."""

import json
import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.lab import engine
from course.models import Classroom, Enrollment, LabDesign, LabSubmission, User
from course.progress import course_progress
from tests.dom import input_value, parse

TASK = "no-remote-read"


def form_for(slug="nk-2019", **changes):
    """The form a browser would post for a preset, with some choices changed (fields__x for fields.x)."""
    form = engine.design_to_form(engine.preset_design(slug))
    for key, value in changes.items():
        form[key.replace("__", ".")] = value
    return form


SOLVED = {"chip_access": "pace", "chip_auth": "passive", "verification": ["visual", "offline_chip"]}


def level(page: str, dimension: str) -> str:
    found = parse(page).first(f"[data-dimension={dimension}][data-level]")
    assert found, f"no {dimension} in the page"
    return found["data-level"]


def count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def enrol(app, user_id: int, classroom_id: int) -> None:
    with app.app_context():
        db.session.add(Enrollment(user_id=user_id, classroom_id=classroom_id))
        db.session.commit()


@pytest.fixture
def classroom(app, auth):
    """A class taught by `teacher`, with students amy and bob; carl is in no class. Returns their ids."""
    ids = {name: auth.create(name) for name in ("amy", "bob", "carl")}
    ids["teacher"] = auth.create("teacher", role="instructor")
    with app.app_context():
        room = db.session.scalar(select(Classroom).where(Classroom.owner_id == ids["teacher"]))
        ids["class"] = room.id
    enrol(app, ids["amy"], ids["class"])
    enrol(app, ids["bob"], ids["class"])
    return ids


def save(client, title="My design", **changes) -> str:
    response = client.post("/lab/designs", data={**form_for(**changes), "title": title, "preset": "nk-2019"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


# --- the lab page and the form without JavaScript ------------------------------------------------------------------


def test_lab_opens_on_the_minimal_design_for_anyone(client, auth):
    auth.create("someone")  # past first-run setup
    response = client.get("/lab")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="lab-form"' in page and 'method="post"' in page and "<svg" in page
    assert level(page, "sensitive_exposure") == "none"
    assert "Sign in</a> to save designs" in page


def test_a_preset_and_task_open_from_the_query_string(client, auth):
    auth.create("someone")
    page = client.get(f"/lab?preset=nk-2019&task={TASK}").get_data(as_text=True)
    assert "Task: No sensitive field readable at a distance" in page
    assert level(page, "remote_readability") == "high"
    assert "Not yet:" in page and "0 of 3 checks hold" in page
    assert "Started from: North Korea — the 2019 chip card" in page and "americanmilitarynews.com" in page
    assert 'data-rule="blood-type-printed"' in page


def test_task_alone_starts_from_its_preset(client, auth):
    auth.create("someone")
    page = client.get(f"/lab?task={TASK}").get_data(as_text=True)
    assert 'name="preset" value="nk-2019"' in page


@pytest.mark.parametrize("query, status", [("preset=nk-2020", 404), ("task=hack", 404), ("compare=nope", 400)])
def test_unknown_presets_tasks_and_comparisons_are_refused(client, auth, query, status):
    auth.create("someone")
    response = client.get(f"/lab?{query}")
    assert response.status_code == status
    assert "preset" in response.get_data(as_text=True) or "task" in response.get_data(as_text=True)


def test_posting_the_form_without_javascript_changes_the_profile(client, auth):
    auth.create("someone")
    before = client.post("/lab", data={**form_for(), "task": TASK}).get_data(as_text=True)
    assert level(before, "remote_readability") == "high"
    response = client.post("/lab", data={**form_for(**SOLVED), "task": TASK, "preset": "nk-2019"})
    after = response.get_data(as_text=True)
    assert response.status_code == 200
    assert level(after, "remote_readability") == "none"
    assert "Every check holds" in after
    assert 'value="pace" checked' in after  # the form shows the student's choice again


def test_compare_draws_the_chosen_presets_beside_the_design(client, auth):
    auth.create("someone")
    page = client.post("/lab", data={**form_for(), "compare": ["de-eid", "in-aadhaar"]}).get_data(as_text=True)
    assert page.count('class="lab-chart__bar ') == 3 * len(engine.get_lab().dimensions)
    assert '<th scope="col">Germany — identity card with eID function</th>' in page


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"validity_years": "31"}, "validity_years", "between 1 and 30"),
        ({"chip": "laser"}, "chip", "is not a choice"),
        ({"fields.hair": "printed"}, "fields.hair", "is not an option"),
        (
            {"fields.blood_type": "chip", "chip": "none", "chip_access": "none", "chip_auth": "none"},
            "fields.blood_type",
            "needs a card with a chip",
        ),
    ],
)
def test_bad_input_gets_400_with_the_message_at_the_field(client, auth, changes, field, words):
    auth.create("someone")
    response = client.post("/lab", data={**form_for(), **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert words in page and "Nothing was saved." in page
    anchor = "opt-" + field.replace(".", "-")
    assert f'href="#{anchor}"' in page


def checked(page: str, name: str) -> set[str]:
    return {element["value"] for element in parse(page).all(f"input[name='{name}'][checked]")}


def test_a_kept_design_form_is_reused_only_for_the_same_choices_errors_and_language(client, auth):
    """The design form's HTML is kept per distinct input (course.lab.page.design_form): each page must still show
    its own choices, its own errors and its reader's language."""
    auth.create("someone")
    opening = client.get("/lab").get_data(as_text=True)
    assert client.get("/lab").get_data(as_text=True).count("checked") == opening.count("checked")
    solved = client.post("/lab", data={**form_for(**SOLVED)}).get_data(as_text=True)
    assert checked(solved, "chip_access") == {"pace"} and checked(opening, "chip_access") != {"pace"}
    wrong = client.post("/lab", data={**form_for(), "validity_years": "31"})
    assert wrong.status_code == 400 and "between 1 and 30" in wrong.get_data(as_text=True)
    again = client.post("/lab", data={**form_for(), "validity_years": "10"}).get_data(as_text=True)
    assert "between 1 and 30" not in again
    assert checked(client.get("/lab").get_data(as_text=True), "chip_access") == checked(opening, "chip_access")
    client.post("/language", data={"language": "ko", "next": "/lab"})
    korean = client.get("/lab").get_data(as_text=True)
    legends = lambda page: [legend.text for legend in parse(page).all("fieldset.lab-section > legend")]  # noqa: E731
    assert legends(korean) != legends(opening) and len(legends(korean)) == len(legends(opening))


def test_a_kept_results_column_is_reused_only_for_the_same_design_task_comparison_preset_and_language(client, auth):
    """The results column's HTML is kept per distinct input (course.lab.page.results_column), for the page and the
    preview alike: each must still show its own design's levels, task checks, comparison, preset and language."""
    auth.create("someone")
    # The column alone: the footer's CSRF token is signed with the time, so it changes from one second to the next.
    column = lambda page: page[page.index('id="lab-results"') : page.index("<footer")]  # noqa: E731
    plain = column(client.get("/lab?preset=nk-2019").get_data(as_text=True))
    assert column(client.get("/lab?preset=nk-2019").get_data(as_text=True)) == plain
    with_task = column(client.get(f"/lab?preset=nk-2019&task={TASK}").get_data(as_text=True))
    assert "lab-checks" in with_task and "lab-checks" not in plain
    compared = column(client.get("/lab?preset=nk-2019&compare=de-eid").get_data(as_text=True))
    assert "lab-differences" in compared and "lab-differences" not in plain
    assert column(client.get("/lab?preset=de-eid").get_data(as_text=True)) != plain
    unsolved = client.post("/lab/preview", data={**form_for(), "task": TASK}).json["html"]
    solved = client.post("/lab/preview", data={**form_for(**SOLVED), "task": TASK}).json["html"]
    assert level(unsolved, "remote_readability") != "none" and level(solved, "remote_readability") == "none"
    blocked = client.post("/lab/preview", data={**form_for(), "validity_years": "0"}).json["html"]
    assert "lab-blocked" in blocked and "lab-blocked" not in unsolved
    client.post("/language", data={"language": "ko", "next": "/lab"})
    korean = column(client.get("/lab?preset=nk-2019").get_data(as_text=True))
    heading = lambda html: parse(html).first("#lab-profile-heading").text  # noqa: E731
    assert heading(korean) != heading(plain)


def test_the_page_needs_no_inline_style_or_script(client, auth):
    auth.create("someone")
    response = client.get(f"/lab?task={TASK}&compare=de-eid")
    page = response.get_data(as_text=True)
    assert "style=" not in page
    assert [script for script in parse(page).all("script") if script.get("src") is None] == []
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert '<script src="/static/lab.js?v=' in page


# --- the fetch endpoint --------------------------------------------------------------------------------------------


def test_preview_returns_results_html_and_field_errors_as_json(client, auth):
    auth.create("someone")
    good = client.post("/lab/preview", data={**form_for(**SOLVED), "task": TASK})
    assert good.status_code == 200 and good.json["ok"] and good.json["errors"] == {}
    assert 'data-dimension="remote_readability" data-level="none"' in good.json["html"]
    assert "Readability at a distance: None" in good.json["summary"]
    bad = client.post("/lab/preview", data={**form_for(), "validity_years": "0"})
    assert bad.status_code == 400 and not bad.json["ok"]
    assert "between 1 and 30" in bad.json["errors"]["validity_years"]


# --- saving, sharing and who sees what -----------------------------------------------------------------------------


def test_saving_needs_a_login(app, client, auth):
    auth.create("someone")
    response = client.post("/lab/designs", data={**form_for(), "title": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(app, LabDesign) == 0


def test_a_saved_design_has_its_own_link_and_reopens_as_saved(app, client, auth):
    auth.as_role("student", "amy")
    token = save(client, "No blood type", fields__blood_type="not_collected")
    page = client.get(f"/lab/designs/{token}").get_data(as_text=True)
    assert "No blood type" in page and "Private: only you can open it." in page
    assert '<option value="not_collected" selected>' in page
    assert 'data-rule="blood-type-printed"' not in page
    with app.app_context():
        record = db.session.scalar(select(LabDesign))
        assert record.design["fields.blood_type"] == "not_collected" and record.preset == "nk-2019"
        assert len(record.token) >= 16


@pytest.mark.parametrize(
    "changes",
    [
        {"validity_years": "99"},
        {"chip": "laser"},
        {"fields.hair": "printed"},
        {"title": ""},
        {"title": "x" * 121},
    ],
)
def test_bad_input_saves_nothing(app, client, auth, changes):
    auth.as_role("student", "amy")
    response = client.post("/lab/designs", data={**form_for(), "title": "ok", **changes})
    assert response.status_code == 400
    assert count(app, LabDesign) == 0


def test_a_bad_update_changes_nothing(app, client, auth):
    auth.as_role("student", "amy")
    token = save(client, "Kept")
    response = client.post(f"/lab/designs/{token}", data={**form_for(), "title": "Changed", "validity_years": "0"})
    assert response.status_code == 400
    with app.app_context():
        record = db.session.scalar(select(LabDesign))
        assert record.title == "Kept" and record.design["validity_years"] == "8"
    good = client.post(f"/lab/designs/{token}", data={**form_for(validity_years="10"), "title": "Changed"})
    assert good.status_code == 302
    with app.app_context():
        record = db.session.scalar(select(LabDesign))
        assert record.title == "Changed" and record.design["validity_years"] == "10"


def test_students_see_only_their_own_designs_until_shared_with_their_class(app, client, auth, classroom):
    auth.login("amy")
    token = save(client, "Amy's card")
    auth.logout()
    for outsider in ("bob", "carl"):  # a classmate before sharing, and a student of no shared class
        auth.login(outsider)
        assert client.get(f"/lab/designs/{token}").status_code == 404
        auth.logout()
    auth.login("amy")
    assert client.post(f"/lab/designs/{token}/share").status_code == 302
    auth.logout()
    auth.login("bob")
    page = client.get(f"/lab/designs/{token}").get_data(as_text=True)
    assert "Amy&#39;s card" in page and "Stop sharing" not in page and "Save changes" not in page
    assert "Amy&#39;s card" in client.get("/lab/designs").get_data(as_text=True)
    assert client.post(f"/lab/designs/{token}", data={**form_for(), "title": "Bob was here"}).status_code == 403
    assert client.post(f"/lab/designs/{token}/share").status_code == 403
    assert client.post(f"/lab/designs/{token}/delete").status_code == 403
    copy = client.post("/lab/designs", data={**form_for(), "title": "Bob's copy"})  # copying is allowed
    assert copy.status_code == 302
    auth.logout()
    auth.login("carl")
    assert client.get(f"/lab/designs/{token}").status_code == 404
    assert "Amy" not in client.get("/lab/designs").get_data(as_text=True)
    auth.logout()
    auth.login("teacher")
    assert client.get(f"/lab/designs/{token}").status_code == 200
    auth.logout()
    assert client.get(f"/lab/designs/{token}").status_code == 302  # anonymous: sign in first
    with app.app_context():
        assert db.session.scalar(select(LabDesign).where(LabDesign.token == token)).title == "Amy's card"


def test_the_author_can_delete_a_design(app, client, auth):
    auth.as_role("student", "amy")
    token = save(client)
    assert client.post(f"/lab/designs/{token}/delete").status_code == 302
    assert count(app, LabDesign) == 0
    assert client.get(f"/lab/designs/{token}").status_code == 404


# --- tasks, progress and the instructor's view ----------------------------------------------------------------------


def test_submitting_a_task_grades_it_on_the_server_and_counts_toward_progress(app, client, auth, sample_course):
    amy = auth.as_role("student", "amy")
    with app.app_context():
        from course.models import Course

        course = db.session.scalar(select(Course))
        before = course_progress(course, amy)
        assert before.lab_tasks == [TASK] and before.lab_tasks_done == 0
        total = before.lessons_total + before.quizzes_total + 1
    failing = client.post(f"/lab/tasks/{TASK}/submit", data={**form_for(), "preset": "nk-2019"})
    assert failing.status_code == 302
    page = client.get(failing.headers["Location"]).get_data(as_text=True)
    assert "Not yet complete" in page and "Not yet: 0 of 3 checks hold" in page
    with app.app_context():
        assert course_progress(db.session.get(type(course), course.id), amy).lab_tasks_done == 0
    passing = client.post(f"/lab/tasks/{TASK}/submit", data={**form_for(**SOLVED), "preset": "nk-2019"})
    page = client.get(passing.headers["Location"]).get_data(as_text=True)
    assert "Task complete" in page and "<strong>Completed</strong>" in page
    with app.app_context():
        after = course_progress(db.session.get(type(course), course.id), amy)
        assert after.lab_tasks_done == 1 and after.percent == round(100 / total)
        submissions = db.session.scalars(select(LabSubmission).order_by(LabSubmission.id)).all()
        assert [s.passed for s in submissions] == [False, True]
        assert all(len(s.checks) == 3 for s in submissions)
    progress_page = client.get("/progress").get_data(as_text=True)
    assert "Lab tasks completed: 1 of 1" in progress_page
    assert "You completed this task" in client.get(f"/lab?task={TASK}").get_data(as_text=True)


def test_a_task_counts_in_progress_even_after_a_later_failing_submission(app, client, auth, sample_course):
    amy = auth.as_role("student", "amy")
    client.post(f"/lab/tasks/{TASK}/submit", data=form_for(**SOLVED))
    client.post(f"/lab/tasks/{TASK}/submit", data=form_for())
    with app.app_context():
        from course.models import Course

        assert course_progress(db.session.scalar(select(Course)), amy).lab_tasks_done == 1


@pytest.mark.parametrize("changes", [{"validity_years": "0"}, {"chip_access": "quantum"}, {"fields.dna": "chip"}])
def test_bad_submission_saves_nothing(app, client, auth, changes):
    auth.as_role("student", "amy")
    response = client.post(f"/lab/tasks/{TASK}/submit", data={**form_for(**SOLVED), **changes})
    assert response.status_code == 400
    assert count(app, LabSubmission) == 0


def test_submitting_needs_a_login_and_a_known_task(app, client, auth):
    auth.create("someone")
    assert client.post(f"/lab/tasks/{TASK}/submit", data=form_for()).status_code == 302
    auth.as_role("student", "amy")
    assert client.post("/lab/tasks/nope/submit", data=form_for()).status_code == 404
    assert count(app, LabSubmission) == 0


def test_instructor_sees_the_latest_submission_of_each_student_in_their_classes(app, client, auth, classroom):
    for name, forms in (("amy", [form_for(), form_for(**SOLVED)]), ("bob", [form_for()]), ("carl", [form_for()])):
        auth.login(name)
        for data in forms:
            assert client.post(f"/lab/tasks/{TASK}/submit", data=data).status_code == 302
        auth.logout()
    auth.login("teacher")
    page = client.get(f"/lab/tasks/{TASK}/submissions").get_data(as_text=True)
    assert "amy" in page and "bob" in page and "carl" not in page  # carl is in no class of this teacher
    assert "2 students" in page
    rows = parse(page).rows("table > tbody > tr")
    assert [row[:2] for row in rows] == [["amy", "Yes"], ["bob", "Not yet"]]
    with app.app_context():
        amy_latest = db.session.scalar(
            select(LabSubmission).where(LabSubmission.user_id == classroom["amy"]).order_by(LabSubmission.id.desc())
        )
    assert client.get(f"/lab/submissions/{amy_latest.id}").status_code == 200
    auth.logout()
    auth.login("bob")
    assert client.get(f"/lab/tasks/{TASK}/submissions").status_code == 403
    assert client.get(f"/lab/submissions/{amy_latest.id}").status_code == 404  # classmates do not see submissions
    auth.logout()
    auth.login("amy")
    assert client.get(f"/lab/submissions/{amy_latest.id}").status_code == 200


def test_lesson_embed_link_opens_the_lab_on_its_preset_and_task(client, auth, sample_course):
    auth.as_role("student", "amy")
    lesson = client.get("/courses/sample-course/lessons/what-a-chip-adds").get_data(as_text=True)
    match = re.search(
        r'class="lab-embed" data-preset="nk-2019" data-task="no-remote-read">\s*<p><a href="([^"]+)"', lesson
    )
    assert match
    href = match.group(1).replace("&amp;", "&")
    page = client.get(href).get_data(as_text=True)
    assert "Task: No sensitive field readable at a distance" in page
    assert 'name="preset" value="nk-2019"' in page
    # The lab links back to the lessons that teach each choice, when the course is installed.
    assert 'href="/courses/sample-course/lessons/' not in page or "Lesson:" in page


def test_lab_links_to_lessons_of_the_installed_flagship_course(app, client, auth):
    from course.content import import_course

    with app.app_context():
        import_course(app.config["BUNDLED_COURSE_PATH"])
    auth.as_role("student", "amy")
    page = client.get(f"/lab?task={TASK}").get_data(as_text=True)
    assert 'href="/courses/chip-paper-state/lessons/contact-and-contactless"' in page
    assert 'href="/courses/chip-paper-state/lessons/id-design-lab-project">From the lesson' in page


# --- query counts --------------------------------------------------------------------------------------------------


def test_lab_pages_run_a_fixed_number_of_queries(app, client, auth, classroom, count_queries):
    auth.login("teacher")
    client.get("/lab")  # warm up: first-run check and the like

    def queries(url, method="get", **kwargs):
        with count_queries() as counted:
            response = getattr(client, method)(url, **kwargs)
        assert response.status_code in (200, 400), (url, response.status_code)
        return counted.n

    small = {
        "lab": queries(f"/lab?task={TASK}&compare=de-eid"),
        "post": queries("/lab", method="post", data={**form_for(), "task": TASK}),
        "preview": queries("/lab/preview", method="post", data={**form_for(), "task": TASK}),
        "submissions": queries(f"/lab/tasks/{TASK}/submissions"),
        "designs": queries("/lab/designs"),
    }
    assert max(small.values()) <= 6, small
    # Ten more students who each share a design and submit the task cost no extra query on any page.
    with app.app_context():
        for i in range(10):
            user = User(username=f"student{i}")
            user.set_password("irrelevant password")
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrollment(user_id=user.id, classroom_id=classroom["class"]))
            db.session.add(LabDesign(user_id=user.id, title=f"d{i}", design=form_for(), shared=True))
            db.session.add(
                LabSubmission(user_id=user.id, task_slug=TASK, design=form_for(), checks=[], passed=i % 2 == 0)
            )
        db.session.commit()
    large = {
        "lab": queries(f"/lab?task={TASK}&compare=de-eid"),
        "post": queries("/lab", method="post", data={**form_for(), "task": TASK}),
        "preview": queries("/lab/preview", method="post", data={**form_for(), "task": TASK}),
        "submissions": queries(f"/lab/tasks/{TASK}/submissions"),
        "designs": queries("/lab/designs"),
    }
    assert large == small


# --- the migration -------------------------------------------------------------------------------------------------


def test_migration_creates_the_lab_tables_as_the_models_define_them(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    from course import create_app

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"}
    )
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
        lab_diffs = [d for d in diffs if "lab_" in repr(d)]
        assert lab_diffs == []
        with db.engine.connect() as connection:
            versions = {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}
        assert "0002_lab" in versions or any(v > "0002" for v in versions)
        db.engine.dispose()


def test_every_lab_post_needs_the_csrf_token(app, client, auth):
    auth.as_role("student", "amy")
    app.config["WTF_CSRF_ENABLED"] = True
    for url in ("/lab", "/lab/preview", "/lab/designs", f"/lab/tasks/{TASK}/submit"):
        response = client.post(url, data={**form_for(), "title": "t"})
        assert response.status_code == 400, url
    assert count(app, LabDesign) == 0 and count(app, LabSubmission) == 0


# --- on a phone and without JavaScript: back at the changed control, the change summarised ------------------------


def test_an_update_returns_to_the_changed_control_and_says_what_changed(client, auth):
    auth.create("someone")
    first = client.get(f"/lab?task={TASK}").get_data(as_text=True)
    assert 'action="/lab#lab-changed"' in first and 'id="lab-changed"' not in first
    levels = input_value(first, "levels_before")
    before = form_for()
    response = client.post(
        "/lab",
        data={
            **form_for(chip_access="pace"),
            "task": TASK,
            "preset": "nk-2019",
            "values_before": json.dumps(before),
            "levels_before": levels,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    anchor = parse(page).one("span#lab-changed")
    assert anchor.children == [] and anchor.next_element.tag == "fieldset"
    assert "lab-option" in anchor.next_element.classes and anchor.next_element["id"] == "opt-chip_access"
    summary = parse(page).one("#lab-summary").text
    assert "Changed: Readability at a distance High → None" in summary


def test_preview_sends_the_summary_bar_too(client, auth):
    auth.create("someone")
    first = client.get(f"/lab?task={TASK}").get_data(as_text=True)
    levels = input_value(first, "levels_before")
    payload = client.post("/lab/preview", data={**form_for(chip_access="pace"), "levels_before": levels}).get_json()
    assert "Readability at a distance" in payload["summary_html"] and "(was High)" in payload["summary"]


def test_deleting_a_design_is_confirmed_first_and_says_what_breaks(app, client, auth):
    auth.as_role("student", "amy")
    token = save(client)
    client.post(f"/lab/designs/{token}/share")
    page = client.get(f"/lab/designs/{token}").get_data(as_text=True)
    assert f'href="/lab/designs/{token}/delete"' in page
    confirm = client.get(f"/lab/designs/{token}/delete").get_data(as_text=True)
    assert "classmates and instructors who open its link will find nothing there" in confirm
    assert count(app, LabDesign) == 1
    assert client.post(f"/lab/designs/{token}/delete").status_code == 302
    assert count(app, LabDesign) == 0
