"""Attempt summaries (issue 10, point 5): written with the submission and on every mark, equal to what the migration
computes for attempts submitted before it, and read by item analysis in a fixed number of queries, a question no
longer in the quiz included."""

import shutil

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from course.classroom.item_analysis import QuestionInfo, analyse_answers
from course.content import import_course
from course.extensions import db
from course.models import Attempt, AttemptSummary, Quiz
from course.models.progress import QuestionSet
from course.quiz.attempts import mark_answer, start_attempt, submit_attempt
from tests.conftest import DATA
from tests.test_classroom import add_users, make_class, sign_in_as
from tests.test_question_types import TYPES_QUIZ
from tests.test_reports import take_quiz

RIGHT = {
    "body": "Laminated paper",
    "fields": ["Blood type", "Marital status"],
    "eight-years": True,
    "blood": "Blood Group",
    "width": "85.6",
}


def take_types_quiz(app, user_id: int) -> int:
    """The quiz of every type, the essay answered (so pending) and the short text left blank."""
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "types-quiz"))
        attempt = start_attempt(quiz, user_id)
        keys = {question["key"]: question for question in attempt.snapshot}
        responses = {
            "match": list(keys["match"]["private"]["key"]),
            "order": [2, 0, 1],
            "blanks": ["85.6", "plastic"],
            "essay": "It can be read\n\nfrom a distance.",
        }
        submit_attempt(attempt, responses, quiz.pass_mark)
        return attempt.id


def summaries() -> dict[int, tuple]:
    """Every summary with its question set, keyed on the attempt."""
    sets = dict(db.session.execute(select(QuestionSet.digest, QuestionSet.questions)).all())
    return {
        row.attempt_id: (row.score, row.max_score, row.percent, row.passed, row.answers, sets[row.question_set])
        for row in db.session.scalars(select(AttemptSummary))
    }


@pytest.fixture
def types_course(app, course_dir):
    (course_dir / "quizzes" / "types-quiz.yaml").write_text(TYPES_QUIZ, encoding="utf-8")
    with app.app_context():
        import_course(course_dir)
    return course_dir


def test_a_submission_stores_its_summary_and_a_mark_brings_it_up_to_date(app, types_course):
    ids = add_users(app, {"teacher": "instructor", "sam": "student"})
    attempt_id = take_types_quiz(app, ids["sam"])
    with app.app_context():
        (score, max_score, percent, passed, answers, asked) = summaries()[attempt_id]
        keys = [question["key"] for question in asked]
        essay, blanks = keys.index("essay"), keys.index("blanks")
        assert percent is None and passed is None and answers["pending"] == [essay]
        assert answers["blank"] == [keys.index("short")] and answers["counted"][keys.index("short")] is None
        assert answers["counted"][blanks] == [["[1] 85.6", True], ["[2] plastic", False]]
        assert answers["fraction"][blanks] == 0.5 and max_score == sum(question["points"] for question in asked)
        attempt = db.session.get(Attempt, attempt_id)
        assert (score, max_score) == (attempt.score, attempt.max_score)
        mark_answer(attempt, "essay", 3, "Good.", ids["teacher"])
        (score, _, percent, passed, answers, _) = summaries()[attempt_id]
        attempt = db.session.get(Attempt, attempt_id)
        assert (score, percent, passed) == (attempt.score, attempt.percent, attempt.passed) and percent is not None
        assert answers["pending"] == [] and answers["earned"][essay] == 3
        assert db.session.scalar(select(db.func.count()).select_from(QuestionSet)) == 1  # one set for the quiz


def test_submitting_runs_a_fixed_number_of_statements(app, sample_course, count_queries):
    ids = add_users(app, {"ann": "student", "bob": "student"})
    for name in ("ann", "bob"):  # the first stores the quiz's set of questions, the second finds it stored
        with app.app_context():
            quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
            attempt = start_attempt(quiz, ids[name])
            with count_queries() as counted:
                assert submit_attempt(attempt, {"eight-years": True}, quiz.pass_mark)
            assert counted.n <= 4, counted.statements  # the update, the set, the summary, the refresh after commit
    with app.app_context():
        assert len(summaries()) == 2 and db.session.scalar(select(db.func.count()).select_from(QuestionSet)) == 1


def test_backfilled_summaries_equal_those_written_at_submit(empty_app, tmp_path):
    """Attempts submitted (and marked) at head; back to 0012, which has no summaries; up again: the migration's
    summaries, computed from the snapshots, equal those the application wrote."""
    app = empty_app
    course = tmp_path / "course"
    shutil.copytree(DATA / "sample", course)
    (course / "quizzes" / "types-quiz.yaml").write_text(TYPES_QUIZ, encoding="utf-8")
    with app.app_context():
        upgrade(revision="heads")
        import_course(course)
        db.session.remove()
    ids = add_users(app, {"teacher": "instructor", "ann": "student", "bob": "student", "cat": "student"})
    take_quiz(app, ids["ann"], RIGHT)
    take_quiz(app, ids["ann"], {"body": "Metal", "blood": "religion"})
    take_quiz(app, ids["bob"], {"fields": ["Religion"], "width": "85,6"})
    marked = take_types_quiz(app, ids["bob"])
    take_types_quiz(app, ids["cat"])  # left awaiting its mark
    with app.app_context():
        mark_answer(db.session.get(Attempt, marked), "essay", 2.5, "", ids["teacher"])
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "basics-quiz"))
        start_attempt(quiz, ids["cat"])  # open: no summary
        written = summaries()
        assert len(written) == 5
        db.session.remove()
        downgrade(revision="0012_user_language")
        upgrade(revision="heads")
        assert summaries() == written
        db.session.remove()


def test_item_analysis_reads_a_removed_questions_prompt_in_one_more_query(app, client, auth, course_dir, count_queries):
    with app.app_context():
        import_course(course_dir)
    app.config["MIN_STUDENTS_FOR_STATS"] = 1
    ids = add_users(app, {"teacher": "instructor", "ann": "student", "bob": "student"})
    classroom = make_class(app, "Year 10", ids["teacher"], [ids["ann"], ids["bob"]])
    take_quiz(app, ids["ann"], RIGHT)
    sign_in_as(auth, "teacher")
    url = f"/teach/classes/{classroom}/quizzes/basics-quiz/analysis"
    client.get(url)
    with count_queries() as before:
        client.get(url)
    quiz_file = course_dir / "quizzes" / "basics-quiz.yaml"
    text = quiz_file.read_text(encoding="utf-8")
    start = text.index("  - id: eight-years")
    quiz_file.write_text(text[:start] + text[text.index("  - id: blood") :], encoding="utf-8")
    with app.app_context():
        import_course(course_dir)
    take_quiz(app, ids["bob"], RIGHT)
    client.get(url)
    with count_queries() as after:
        page = client.get(url).get_data(as_text=True)
    assert "New cards are to be reissued every eight years." in page and "no longer in the quiz" in page
    assert after.n == before.n + 1


def test_a_question_set_no_analysed_attempt_asked_counts_nothing():
    asked = [{"key": "q", "type": "true_false", "points": 1.0, "objective": ""}]
    stats = analyse_answers([QuestionInfo("q", "true_false", "")], [(asked, [])])
    assert stats.students == 0 and stats.items[0].students == 0 and stats.items[0].facility is None
