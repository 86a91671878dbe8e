"""The class dashboard, the per-module view on My progress, quizzes in course order on every report, and the
score-distribution chart as a pure function."""

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from course.classroom.charts import SCORE_BANDS, distribution_chart, score_distribution
from course.extensions import db
from course.models import Classroom, Module, User
from tests.dom import parse
from tests.test_classroom import add_users, make_class, sign_in_as
from tests.test_reports import ALL_RIGHT, complete_lessons, grow_class, take_quiz


def dashboard_class(app, auth):
    """ann passed the basics quiz and finished its lessons; bob failed it once (one attempt left); cat did nothing;
    dee read a lesson long ago and nothing since."""
    ids = add_users(
        app, {"teacher": "instructor", "ann": "student", "bob": "student", "cat": "student", "dee": "student"}
    )
    classroom_id = make_class(app, "Year 10", ids["teacher"], [ids[n] for n in ("ann", "bob", "cat", "dee")])
    complete_lessons(app, ids["ann"], "what-a-card-is", "registries")
    take_quiz(app, ids["ann"], ALL_RIGHT)
    take_quiz(app, ids["bob"], {"body": "Metal"})
    complete_lessons(app, ids["dee"], "what-a-card-is", at=datetime.now() - timedelta(days=30))
    sign_in_as(auth, "teacher")
    return classroom_id, ids


def section(html: str, heading_id: str) -> str:
    """The words of the section a heading names, as a reader hears them."""
    return parse(html).one(f"section[aria-labelledby={heading_id}]").text


def test_dashboard_shows_modules_lists_heat_map_and_distributions(app, client, auth, sample_course):
    classroom_id, _ = dashboard_class(app, auth)
    response = client.get(f"/teach/classes/{classroom_id}/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    modules = section(html, "modules-heading")
    assert re.search(r"Basics \(2 lessons\) 1 of 4 1 of 4 \(1 tried, not passed yet\)", modules)
    assert re.search(r"Chips \(1 lesson\) 0 of 4 0 of 4", modules)
    assert re.search(r"bob ?: failed Basics quiz \(1 of 2 left\)", section(html, "stuck-heading"))
    assert re.search(r"dee ?: no activity since", section(html, "stuck-heading"))
    assert "cat" in section(html, "not-started-heading") and "ann" not in section(html, "not-started-heading")
    assert "Nobody yet." in section(html, "finished-heading")
    # Heat map: colour and words in every cell
    passed = parse(html).first("td.num.heat--pass")
    assert passed.children[0] == "100% " and passed.one("span[aria-hidden=true]").text == "✓"
    assert passed.one("span.visually-hidden").text.startswith("passed")
    assert 'class="num heat--low">' in html
    assert 'class="num heat--none">—<span class="visually-hidden"> not taken' in html
    # Distribution: an SVG chart named by its title, and the numbers as a table
    assert parse(html).all("svg.score-chart[role=img][aria-labelledby^=scores-basics-quiz-title]")
    assert '<th scope="col">Best score</th>' in html
    assert "style=" not in html and "<script" not in html


def test_idle_days_are_chosen_in_the_query_string(app, client, auth, sample_course):
    classroom_id, _ = dashboard_class(app, auth)
    html = client.get(f"/teach/classes/{classroom_id}/dashboard?idle=60").get_data(as_text=True)
    assert "dee" not in section(html, "stuck-heading")
    assert client.get(f"/teach/classes/{classroom_id}/dashboard?idle=soon").status_code == 200


def test_dashboard_is_for_the_class_owner_only(app, client, auth, sample_course):
    classroom_id, _ = dashboard_class(app, auth)
    add_users(app, {"other": "instructor"})
    auth.logout()
    sign_in_as(auth, "other")
    assert client.get(f"/teach/classes/{classroom_id}/dashboard").status_code == 404


def test_dashboard_runs_the_same_number_of_queries_for_3_and_12_students(
    app, client, auth, sample_course, count_queries
):
    ids = add_users(app, {"teacher": "instructor"})
    classroom_id = make_class(app, "Year 10", ids["teacher"])
    grow_class(app, classroom_id, 0, 3)
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{classroom_id}/dashboard"

    def count() -> int:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.n

    count()  # fills the per-process course cache
    small = count()
    grow_class(app, classroom_id, 3, 9)
    assert count() == small
    assert small <= 14


def swap_modules(app) -> None:
    """Chips before Basics, so course order is no longer the order the quizzes were created in."""
    with app.app_context():
        modules = {m.slug: m for m in db.session.scalars(select(Module))}
        modules["basics"].position, modules["chips"].position = modules["chips"].position, modules["basics"].position
        db.session.commit()


def test_quizzes_follow_course_order_everywhere(app, client, auth, sample_course):
    classroom_id, ids = dashboard_class(app, auth)
    swap_modules(app)
    titles = ["Chips quiz", "Basics quiz", "Final check"]

    def order_in(html: str) -> list[str]:
        found = {title: html.find(title) for title in titles if title in html}
        return sorted(found, key=found.get)

    for url in (
        f"/teach/classes/{classroom_id}/gradebook",
        f"/teach/classes/{classroom_id}/dashboard",
        f"/teach/classes/{classroom_id}",
        "/transfer/courses/sample-course",
    ):
        html = client.get(url).get_data(as_text=True)
        if "dashboard" in url:
            html = parse(html).one(".heat-map").html
        assert order_in(html) == [t for t in titles if t in html], url
    csv_text = client.get(f"/teach/classes/{classroom_id}/gradebook.csv").get_data(as_text=True)
    assert csv_text.index("Chips quiz") < csv_text.index("Basics quiz")
    auth.logout()
    sign_in_as(auth, "ann")
    html = client.get("/progress").get_data(as_text=True)
    assert order_in(html) == ["Chips quiz", "Basics quiz", "Final check"]


def test_my_progress_shows_each_module(app, client, auth, sample_course):
    dashboard_class(app, auth)
    auth.logout()
    sign_in_as(auth, "ann")
    html = client.get("/progress").get_data(as_text=True)
    table = parse(html).first("table > caption[id^=modules-]").parent.text
    assert re.search(r"Basics 2 of 2 .*Basics quiz.* 100% Passed", table)
    assert re.search(r"Chips 0 of 1 .*Chips quiz.* Not taken", table)


def test_class_page_links_to_the_dashboard(app, client, auth, sample_course):
    classroom_id, _ = dashboard_class(app, auth)
    html = client.get(f"/teach/classes/{classroom_id}").get_data(as_text=True)
    assert f'href="/teach/classes/{classroom_id}/dashboard"' in html


def test_a_new_join_code_is_asked_for_first(app, client, auth, sample_course):
    classroom_id, _ = dashboard_class(app, auth)
    with app.app_context():
        old = db.session.get(Classroom, classroom_id).join_code
    page = client.get(f"/teach/classes/{classroom_id}")
    assert f'href="/teach/classes/{classroom_id}/join-code?next=' in page.get_data(as_text=True)
    confirm = client.get(f"/teach/classes/{classroom_id}/join-code")
    text = parse(confirm.get_data(as_text=True)).text
    assert confirm.status_code == 200 and old in text and "stops working" in text
    with app.app_context():
        assert db.session.get(Classroom, classroom_id).join_code == old  # asking changed nothing
    assert client.post(f"/teach/classes/{classroom_id}/join-code").status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, classroom_id).join_code != old


# ---- The chart, as a pure function ------------------------------------------------------------------------------


def test_scores_fall_into_bands_including_the_edges():
    distribution = score_distribution([0, 19.9, 20, 59, 60, 79.5, 80, 100, 100])
    assert distribution.counts == (2, 1, 1, 2, 3)
    assert distribution.total == 9
    assert [label for label, _ in distribution.rows()][0] == "0–19%"
    assert len(SCORE_BANDS) == len(distribution.counts)


def test_chart_escapes_its_title_and_keeps_text_legible():
    svg = str(distribution_chart(score_distribution([50, 90]), title="<b>Quiz & co</b>", ident="q1"))
    assert "&lt;b&gt;Quiz &amp; co&lt;/b&gt;" in svg and "<b>" not in svg
    assert "style=" not in svg
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    width = float(re.search(r'width="([\d.]+)"', svg).group(1))
    assert sizes and min(sizes) >= 13 and width <= 320  # drawn at its own size: 13 px text on a phone


def test_a_student_record_in_the_dashboard_never_needs_a_second_class(app, client, auth, sample_course):
    """A student in two of the teacher's classes shows in each class's dashboard once."""
    classroom_id, ids = dashboard_class(app, auth)
    make_class(app, "Year 11", ids["teacher"], [ids["ann"]])
    html = client.get(f"/teach/classes/{classroom_id}/dashboard").get_data(as_text=True)
    assert parse(html).one(".heat-map").texts("a").count("ann") == 1
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "ann")) == ids["ann"]
