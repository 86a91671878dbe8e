"""Gradebook, CSV export, a student's page and item analysis: numbers on constructed datasets, the threshold that
hides statistics for small groups, and a fixed number of queries whatever the class size."""

import csv
import io
import random
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from course.classroom.item_analysis import AnalysedAttempt, QuestionInfo, analyse_quiz, pearson
from course.classroom.reports import spreadsheet_safe
from course.extensions import db
from course.grading import grade_attempt
from course.models import Enrollment, Lesson, LessonProgress, Quiz, User
from course.question_types import QUESTION_TYPES
from course.quiz.attempts import start_attempt, submit_attempt
from tests.dom import has_cells, parse
from tests.test_classroom import add_users, make_class, sign_in_as

FORMULA_NAME = '=HYPERLINK("http://evil.example")'  # a display name a spreadsheet would run

ALL_RIGHT = {
    "body": "Laminated paper",
    "fields": ["Blood type", "Marital status"],
    "eight-years": True,
    "blood": "Blood Type",
    "width": "85,6",
}


def take_quiz(app, user_id: int, answers: dict, quiz_slug: str = "basics-quiz") -> int:
    """Submit an attempt answering by choice text, whatever order the attempt shows the choices in."""
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == quiz_slug))
        attempt = start_attempt(quiz, user_id)
        responses = {}
        for question in attempt.snapshot:
            wanted = answers.get(question["key"])
            texts = question["private"].get("texts", [])
            if wanted is None:
                continue
            if question["type"] == "single":
                responses[question["key"]] = texts.index(wanted)
            elif question["type"] == "multiple":
                responses[question["key"]] = sorted(texts.index(text) for text in wanted)
            else:
                responses[question["key"]] = wanted
        submit_attempt(attempt, responses, quiz.pass_mark)
        return attempt.id


def complete_lessons(app, user_id: int, *slugs: str, at: datetime | None = None) -> None:
    with app.app_context():
        for slug in slugs:
            lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == slug))
            moment = at or datetime(2026, 1, 5, 9, 0)
            db.session.add(
                LessonProgress(user_id=user_id, lesson_id=lesson_id, last_viewed_at=moment, completed_at=moment)
            )
        db.session.commit()


@pytest.fixture
def gradebook_class(app, auth, sample_course):
    """ann: two lessons, basics quiz 33.3% then 100%; bob: one lesson, 100% then 50%; cat: nothing."""
    ids = add_users(app, {"teacher": "instructor", "ann": "student", "bob": "student", "cat": "student"})
    with app.app_context():
        db.session.get(User, ids["ann"]).display_name = "Ann Zed"
        db.session.get(User, ids["cat"]).display_name = FORMULA_NAME
        db.session.commit()
    classroom_id = make_class(app, "Year 10", ids["teacher"], [ids["ann"], ids["bob"], ids["cat"]])
    complete_lessons(app, ids["ann"], "what-a-card-is", "registries")
    complete_lessons(app, ids["bob"], "what-a-card-is", at=datetime(2026, 1, 9, 8, 30))
    take_quiz(app, ids["ann"], {"body": "Laminated paper", "eight-years": True})  # 2 of 6 points
    take_quiz(app, ids["ann"], ALL_RIGHT)
    take_quiz(app, ids["bob"], ALL_RIGHT)
    take_quiz(app, ids["bob"], {"body": "Laminated paper", "fields": ["Blood type", "Marital status"]})  # 3 of 6
    sign_in_as(auth, "teacher")
    return classroom_id, ids


def table_rows(html: str) -> list[list[str]]:
    """The gradebook's body rows as lists of cell texts, tags stripped."""
    return parse(html).all("tbody")[0].rows()


def test_gradebook_shows_lessons_progress_best_last_and_activity(client, gradebook_class):
    classroom_id, _ = gradebook_class
    html = client.get(f"/teach/classes/{classroom_id}/gradebook").get_data(as_text=True)
    rows = {row[0].split()[0]: row for row in table_rows(html)}
    # columns: student, lessons, progress, basics best, basics last, chips best, chips last, final best, last, activity
    # progress counts 3 lessons, 2 module quizzes and the lab task the chips lesson embeds: 3 of 6 and 2 of 6
    assert rows["Ann"][1:7] == ["2 / 3", "50%", "100% ✓passed", "100% (2)", "—", "—"]
    assert rows["bob"][1:7] == ["1 / 3", "33%", "100% ✓passed", "50% (2)", "—", "—"]
    assert rows[FORMULA_NAME][1:] == ["0 / 3", "0%", "—", "—", "—", "—", "—", "—", "—"]
    # the latest attempt is bob's last activity, written for the reader (short date and time in the site's zone)
    assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s[AP]M", rows["bob"][9]), rows["bob"][9]
    assert parse(html).all("td > time[datetime^='20']")


def names_in_order(html: str) -> list[str]:
    return [row[0].split()[0] for row in table_rows(html)]


@pytest.mark.parametrize(
    "query, order",
    [
        ("", [FORMULA_NAME, "Ann", "bob"]),
        ("?sort=progress&dir=desc", ["Ann", "bob", FORMULA_NAME]),
        ("?sort=progress", [FORMULA_NAME, "bob", "Ann"]),
        ("?sort=last:basics-quiz", ["bob", "Ann", FORMULA_NAME]),  # blanks last
        ("?sort=last:basics-quiz&dir=desc", ["Ann", "bob", FORMULA_NAME]),
        ("?sort=no-such-column&dir=sideways", [FORMULA_NAME, "Ann", "bob"]),
    ],
)
def test_gradebook_sorts_on_the_server_by_any_column(client, gradebook_class, query, order):
    classroom_id, _ = gradebook_class
    html = client.get(f"/teach/classes/{classroom_id}/gradebook{query}").get_data(as_text=True)
    assert names_in_order(html) == order


def test_sort_links_work_without_javascript_and_announce_the_order(client, gradebook_class):
    classroom_id, _ = gradebook_class
    html = client.get(f"/teach/classes/{classroom_id}/gradebook?sort=progress").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html
    assert f'href="/teach/classes/{classroom_id}/gradebook?sort=progress&amp;dir=desc"' in html
    assert f'href="/teach/classes/{classroom_id}/gradebook?sort=best:basics-quiz"' in html


def test_gradebook_csv_is_an_attachment_safe_to_open_in_a_spreadsheet(client, gradebook_class):
    classroom_id, _ = gradebook_class
    response = client.get(f"/teach/classes/{classroom_id}/gradebook.csv?sort=progress&dir=desc")
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="gradebook-year-10-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:8] == [
        "Username",
        "Name",
        "Lessons completed",
        "Lessons in course",
        "Course progress %",
        "Basics quiz: best %",
        "Basics quiz: last %",
        "Basics quiz: attempts",
    ]
    assert rows[0][-1] == "Last activity (UTC)" and len(rows[0]) == 5 + 3 * 3 + 1
    assert [row[0] for row in rows[1:]] == ["ann", "bob", "cat"]
    assert rows[1][1:8] == ["Ann Zed", "2", "3", "50", "100", "100", "2"]
    assert rows[2][1:8] == ["", "1", "3", "33", "100", "50", "2"]
    assert rows[3][1] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=1+2", "'=1+2"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ann", "Ann"),
        ("", ""),
        (-2, -2),
        (12.5, 12.5),
    ],
)
def test_spreadsheet_formulas_are_neutralised_but_numbers_kept(value, safe):
    assert spreadsheet_safe(value) == safe


def test_student_page_lists_attempts_with_answers_and_links(app, client, gradebook_class):
    classroom_id, ids = gradebook_class
    hostile = take_quiz(app, ids["cat"], {"blood": "<script>alert(1)</script>"})
    html = client.get(f"/teach/classes/{classroom_id}/students/{ids['cat']}").get_data(as_text=True)
    assert f'href="/attempts/{hostile}"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    html = client.get(f"/teach/classes/{classroom_id}/students/{ids['ann']}").get_data(as_text=True)
    assert "Basics quiz, attempt 1" in html and "Basics quiz, attempt 2" in html
    assert "33%" in html and ("Marital status; Blood type" in html or "Blood type; Marital status" in html)
    assert "Lessons completed: 2 of 3" in html


# ---- Item analysis: a hand-computed dataset -----------------------------------------------------------------

CARDS, CHIPS = "Know cards", "Know chips"
QUESTIONS = [
    {
        "key": "q1",
        "type": "single",
        "objective": CARDS,
        "choices": [{"text": "A", "correct": True}, {"text": "B", "misconception": "mix-up"}, {"text": "C"}],
    },
    {"key": "q2", "type": "true_false", "objective": CARDS, "answer": True},
    {
        "key": "q3",
        "type": "single",
        "objective": CHIPS,
        "choices": [
            {"text": "X", "correct": True},
            {"text": "Y", "misconception": "mix-up"},
            {"text": "Z", "misconception": "other-tag"},
        ],
    },
]
# Five students; q1/q3 by choice text, q2 True/False/None (blank). Totals: 3, 2, 2, 0, 0 of 3 points.
ANSWERS = [("A", True, "X"), ("A", True, "Y"), ("B", True, "X"), ("B", False, "Y"), ("C", None, "Z")]


def snapshot_question(question: dict, rng: random.Random) -> dict:
    """A question as an attempt stores it: shuffled choices, the key and texts in display order."""
    spec = {**question, "choices": [{**c, "html": c["text"]} for c in question.get("choices", [])]}
    public, private = QUESTION_TYPES[question["type"]].present(spec, True, rng)
    return {
        "key": question["key"],
        "type": question["type"],
        "points": 1.0,
        "prompt_html": f"<p>{question['key']}</p>",
        "objective": question["objective"],
        "public": public,
        "private": private,
    }


def analysed(answers, seed: int = 7) -> list[AnalysedAttempt]:
    rng = random.Random(seed)
    attempts = []
    for q1, q2, q3 in answers:
        snapshot = [snapshot_question(q, rng) for q in QUESTIONS]
        texts = [q["private"].get("texts") for q in snapshot]
        responses = {"q1": texts[0].index(q1), "q3": texts[2].index(q3)}
        if q2 is not None:
            responses["q2"] = q2
        attempts.append(AnalysedAttempt(snapshot, responses, grade_attempt(snapshot, responses).results))
    return attempts


def question_infos() -> list[QuestionInfo]:
    return [
        QuestionInfo(q["key"], q["type"], f"<p>{q['key']}</p>", q["objective"], q.get("choices", [])) for q in QUESTIONS
    ]


def test_item_analysis_numbers_match_a_hand_computation():
    stats = analyse_quiz(question_infos(), analysed(ANSWERS))
    assert stats.students == 5
    assert stats.mean == pytest.approx(46.667, abs=1e-3)  # (100 + 66.7 + 66.7 + 0 + 0) / 5
    assert stats.median == pytest.approx(66.667, abs=1e-3)
    assert stats.standard_deviation == pytest.approx(44.721, abs=1e-3)  # sqrt(8000 / 4)
    q1, q2, q3 = stats.items
    assert [q1.facility, q2.facility, q3.facility] == pytest.approx([40, 60, 40])
    # q1: item [1,1,0,0,0] against the rest [2,1,2,0,0]: Sxy 1.0, Sxx 1.2, Syy 4 -> 1 / sqrt(4.8)
    assert q1.discrimination == pytest.approx(0.45644, abs=1e-5)
    # q2: item [1,1,1,0,0] against [2,1,1,0,0]: Sxy 1.6, Sxx 1.2, Syy 2.8 -> 1.6 / sqrt(3.36)
    assert q2.discrimination == pytest.approx(0.87287, abs=1e-5)
    assert q3.discrimination == pytest.approx(0.45644, abs=1e-5)
    assert [(a.text, a.correct, a.count, a.percent, a.misconception) for a in q1.answers] == [
        ("A", True, 2, 40.0, ""),
        ("B", False, 2, 40.0, "mix-up"),
        ("C", False, 1, 20.0, ""),
    ]
    assert [(a.text, a.correct, a.count) for a in q2.answers] == [("True", True, 3), ("False", False, 1)]
    assert q2.blank == 1
    assert [(a.text, a.count) for a in q3.answers] == [("X", 2), ("Y", 2), ("Z", 1)]
    groups = {g.label: (g.students, g.percent, g.questions) for g in stats.misconceptions}
    assert groups == {"mix-up": (3, 60.0, [1, 3]), "other-tag": (1, 20.0, [3])}
    objectives = {g.label: (g.questions, g.percent) for g in stats.objectives}
    assert objectives == {CARDS: ([1, 2], 50.0), CHIPS: ([3], 40.0)}


def test_choices_are_counted_by_text_whatever_order_each_student_saw():
    for seed in range(5):
        stats = analyse_quiz(question_infos(), analysed(ANSWERS, seed))
        assert [(a.text, a.count) for a in stats.items[0].answers] == [("A", 2), ("B", 2), ("C", 1)]


def test_discrimination_is_undefined_without_spread():
    assert pearson([1, 1, 1], [0, 1, 2]) is None and pearson([1], [2]) is None
    stats = analyse_quiz(question_infos(), analysed([("A", True, "X")] * 5))
    assert all(item.facility == 100 and item.discrimination is None for item in stats.items)


def test_typed_answers_are_grouped_and_lone_answers_stay_anonymous():
    question = {
        "key": "t",
        "type": "short_text",
        "points": 1.0,
        "prompt_html": "",
        "objective": "",
        "public": {},
        "private": {"accept": ["blood type"]},
    }
    typed = ["Blood type", "blood  TYPE", "religion", "Religion", "my name is Ann"]
    attempts = [
        AnalysedAttempt([question], {"t": text}, grade_attempt([question], {"t": text}).results) for text in typed
    ]
    stats = analyse_quiz([QuestionInfo("t", "short_text", "")], attempts)
    item = stats.items[0]
    assert [(a.text, a.correct, a.count) for a in item.answers] == [("blood type", True, 2), ("religion", False, 2)]
    assert item.other_answers == 1 and item.facility == 40


def test_multiple_select_counts_every_picked_choice():
    question = {
        "key": "m",
        "type": "multiple",
        "objective": "",
        "choices": [
            {"text": "P", "correct": True},
            {"text": "Q", "correct": True},
            {"text": "R", "misconception": "r-tag"},
        ],
    }
    rng = random.Random(1)
    attempts = []
    for picked in (["P", "Q"], ["P", "R"], ["Q"]):
        snap = snapshot_question(question, rng)
        responses = {"m": sorted(snap["private"]["texts"].index(text) for text in picked)}
        attempts.append(AnalysedAttempt([snap], responses, grade_attempt([snap], responses).results))
    stats = analyse_quiz([QuestionInfo("m", "multiple", "", "", question["choices"])], attempts)
    assert [(a.text, a.count) for a in stats.items[0].answers] == [("P", 2), ("Q", 2), ("R", 1)]
    assert stats.items[0].facility == pytest.approx(100 * (1 + 0 + 0.5) / 3)
    assert {g.label: g.students for g in stats.misconceptions} == {"r-tag": 1}


# ---- Item analysis page ----------------------------------------------------------------------------------------


def class_with_answers(app, answers: list[dict], extra_outsiders: int = 0) -> int:
    names = {f"s{number}": "student" for number in range(len(answers) + extra_outsiders)}
    ids = add_users(app, {"teacher": "instructor", **names})
    classroom_id = make_class(app, "Year 10", ids["teacher"], [ids[f"s{n}"] for n in range(len(answers))])
    for number in range(len(answers) + extra_outsiders):
        take_quiz(app, ids[f"s{number}"], answers[number % len(answers)])
    return classroom_id


def test_item_analysis_page_uses_first_attempts_of_the_class_only(app, client, auth, sample_course):
    wrong = {"body": "Polycarbonate", "eight-years": False}
    classroom_id = class_with_answers(app, [ALL_RIGHT, ALL_RIGHT, wrong, wrong, wrong], extra_outsiders=3)
    with app.app_context():  # a second, right attempt of a wrong student does not count
        first_wrong = db.session.scalar(select(User.id).where(User.username == "s2"))
    take_quiz(app, first_wrong, ALL_RIGHT)
    sign_in_as(auth, "teacher")
    html = client.get(f"/teach/classes/{classroom_id}/quizzes/basics-quiz/analysis").get_data(as_text=True)
    assert "(5 students of Year 10)" in html
    item = parse(html).one("#item-1")
    assert "facility 40%" in item.text
    assert has_cells(item.rows(), "Polycarbonate", "no", "material-age", "3")
    assert has_cells(parse(html).rows(), "material-age", "3")
    assert "No objective set" in html


@pytest.mark.parametrize("setting, shown", [(None, False), (4, True)])
def test_statistics_stay_hidden_below_the_minimum_number_of_students(app, client, auth, sample_course, setting, shown):
    if setting is not None:
        app.config["MIN_STUDENTS_FOR_STATS"] = setting
    classroom_id = class_with_answers(app, [ALL_RIGHT, {"body": "Metal"}, {}, ALL_RIGHT])
    sign_in_as(auth, "teacher")
    html = client.get(f"/teach/classes/{classroom_id}/quizzes/basics-quiz/analysis").get_data(as_text=True)
    assert ("Facility" in html and "Metal" in html) is shown
    if not shown:
        assert "at least 5 students of Year 10 have\n      submitted this quiz (4 so far)" in html


def test_unknown_quiz_in_item_analysis_is_a_404(client, gradebook_class):
    classroom_id, _ = gradebook_class
    assert client.get(f"/teach/classes/{classroom_id}/quizzes/nope/analysis").status_code == 404


# ---- A fixed number of queries whatever the class size ----------------------------------------------------------


def grow_class(app, classroom_id: int, start: int, count: int) -> None:
    """Students with a lesson done and two attempts each, so every per-student code path runs."""
    ids = add_users(app, {f"p{number}": "student" for number in range(start, start + count)})
    with app.app_context():
        db.session.add_all(Enrollment(user_id=user_id, classroom_id=classroom_id) for user_id in ids.values())
        db.session.commit()
    for user_id in ids.values():
        complete_lessons(app, user_id, "what-a-card-is")
        take_quiz(app, user_id, {"body": "Metal"})
        take_quiz(app, user_id, ALL_RIGHT)
        take_quiz(app, user_id, {"range": "25"}, quiz_slug="chips-quiz")


def test_report_pages_run_the_same_number_of_queries_for_3_and_12_students(
    app, client, auth, sample_course, count_queries
):
    app.config["MIN_STUDENTS_FOR_STATS"] = 1
    ids = add_users(app, {"teacher": "instructor"})
    classroom_id = make_class(app, "Year 10", ids["teacher"])
    grow_class(app, classroom_id, 0, 3)
    sign_in_as(auth, "teacher")
    with app.app_context():
        student_id = db.session.scalar(select(User.id).where(User.username == "p0"))
    base = f"/teach/classes/{classroom_id}"
    urls = [
        base,
        f"{base}/gradebook",
        f"{base}/gradebook?sort=best:basics-quiz",
        f"{base}/gradebook.csv",
        f"{base}/students/{student_id}",
        f"{base}/quizzes/basics-quiz/analysis",
        "/teach/",
        "/teach/admin/users",
    ]

    def counts() -> dict[str, int]:
        measured = {}
        for url in urls:
            with count_queries() as counted:
                response = client.get(url)
            assert response.status_code in (200, 403), url
            measured[url] = counted.n
        return measured

    counts()  # the first visit fills the per-process course cache; the counts below are every later visit's
    small = counts()
    grow_class(app, classroom_id, 3, 9)
    assert counts() == small
    assert small[f"{base}/gradebook"] <= 12 and small[f"{base}/quizzes/basics-quiz/analysis"] <= 6


def test_a_large_gradebook_is_read_a_page_at_a_time_sorted_over_the_whole_class(app, client, auth, sample_course):
    app.config["GRADEBOOK_PAGE_SIZE"] = 2
    ids = add_users(app, {"teacher": "instructor"})
    classroom_id = make_class(app, "Year 10", ids["teacher"])
    names = ("amberly", "bartholomew", "cassiopeia", "desdemona", "evangeline")
    students = add_users(app, {name: "student" for name in names})
    with app.app_context():
        db.session.add_all(Enrollment(user_id=user_id, classroom_id=classroom_id) for user_id in students.values())
        db.session.commit()
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{classroom_id}/gradebook?sort=student&dir=desc"
    first = client.get(url).get_data(as_text=True)
    assert "5 students (showing 1–2)" in first and "Page 1 of 3" in first
    assert "evangeline" in first and "desdemona" in first and "amberly" not in first
    last = client.get(url + "&page=3").get_data(as_text=True)
    assert "(showing 5–5)" in last and "amberly" in last and "evangeline" not in last
    assert client.get(url + "&page=99").get_data(as_text=True).count("Page 3 of 3") == 1
    csv = client.get(f"/teach/classes/{classroom_id}/gradebook.csv").get_data(as_text=True)
    assert all(name in csv for name in names)
