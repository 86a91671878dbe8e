"""The question types through the registry: grading as pure functions, and every new type end to end — taken and
submitted through the test client, its feedback, item analysis, export → import — plus the essay marking queue."""

import random

import pytest
from sqlalchemy import select

from course.content import import_course
from course.content.exporter import course_files, course_for_export, write_course_folder
from course.extensions import db
from course.grading import grade_attempt, with_marks
from course.models import AnswerMark, Attempt, Question
from course.question_types import QUESTION_TYPES, UnknownQuestionType, question_type
from tests.dom import parse
from tests.test_classroom import add_users, make_class, sign_in_as

TYPES_QUIZ = """\
slug: types-quiz
title: Every new type
module: basics
pass_mark: 50
max_attempts: 0
shuffle: false
questions:
  - id: match
    type: matching
    prompt: Match each standard to what it covers.
    pairs:
      - {item: ISO/IEC 14443, match: contactless chips}
      - {item: ISO/IEC 7816, match: chips with contacts}
    distractors: [magnetic stripes]
  - id: order
    type: ordering
    prompt: Put the steps of issuing a card in order.
    items: [apply, enrol fingerprints, print the card]
  - id: blanks
    type: fill_blanks
    prompt: An ID-1 card is [[1]] mm wide and the old card was made of [[2]].
    blanks:
      - {answer: 85.6, tolerance: 0.1}
      - accept: [laminated paper, {text: "lamin*", credit: 50, feedback: "Which material?"}]
  - id: short
    type: short_text
    prompt: Which field was printed on the card?
    accept: [blood type, {text: "blood*", credit: 50, feedback: Nearly.}]
  - id: essay
    type: essay
    prompt: Why does a contactless chip raise new risks?
    guidance: Mentions reading **at a distance**.
    points: 4
"""


def present(kind, spec, seed=1):
    return QUESTION_TYPES[kind].present(spec, False, random.Random(seed))


def spec_of(kind, entry):
    qtype = question_type(kind)
    assert qtype.validate(entry) == []
    return qtype.spec(entry)


# --- the registry and grading, without Flask ---------------------------------------------------------------------


def test_an_unknown_type_is_an_error_not_a_fallback():
    with pytest.raises(UnknownQuestionType):
        question_type("numeric-ish")
    with pytest.raises(UnknownQuestionType):
        grade_attempt([{"key": "q", "type": "hotspot", "points": 1, "public": {}, "private": {}}], {})


def test_every_type_has_every_partial(app):
    for qtype in QUESTION_TYPES.values():
        for part in ("take", "result", "preview", "edit"):
            app.jinja_env.get_template(qtype.template(part))


def test_matching_gives_credit_per_pair():
    spec = spec_of(
        "matching",
        {
            "pairs": [{"item": "a", "match": "1"}, {"item": "b", "match": "2"}, {"item": "c", "match": "3"}],
            "distractors": ["4"],
        },
    )
    public, private = present("matching", spec)
    assert sorted(public["options"]) == ["1", "2", "3", "4"] and "key" not in public
    matching = QUESTION_TYPES["matching"]
    right = [f"{item}:{option}" for item, option in enumerate(private["key"])]
    assert matching.grade(public, private, matching.parse_response(right)).fraction == 1.0
    wrong_one = right[:2] + [f"2:{public['options'].index('4')}"]
    assert matching.grade(public, private, matching.parse_response(wrong_one)).fraction == pytest.approx(2 / 3)
    assert matching.parse_response(["", "x:1", "999:1"]) is None
    assert QUESTION_TYPES["matching"].validate(
        {"pairs": [{"item": "a", "match": "1"}, {"item": "b", "match": "2"}], "distractors": ["1"]}
    )


def test_ordering_gives_credit_per_correctly_placed_item_and_is_always_shuffled():
    spec = spec_of("ordering", {"items": ["a", "b", "c", "d"]})
    public, private = present("ordering", spec)
    assert private["key"] != [0, 1, 2, 3]
    ordering = QUESTION_TYPES["ordering"]
    right = [f"{item}:{position}" for item, position in enumerate(private["key"])]
    assert ordering.grade(public, private, ordering.parse_response(right)).fraction == 1.0
    first, second = private["key"].index(0), private["key"].index(1)  # swap the first two: two of four misplaced
    swapped = list(private["key"])
    swapped[first], swapped[second] = 1, 0
    response = ordering.parse_response([f"{item}:{position}" for item, position in enumerate(swapped)])
    assert ordering.grade(public, private, response).fraction == 0.5
    assert ordering.correct_answer_text(private) == "1. a; 2. b; 3. c; 4. d"
    assert ordering.validate({"items": ["a", "a"]})


def test_fill_blanks_gives_credit_per_blank_with_numbers_wildcards_and_partial_credit():
    entry = {
        "prompt": "W [[1]] and [[2]].",
        "blanks": [{"answer": 85.6, "tolerance": 0.1}, {"accept": ["paper", {"text": "pap*", "credit": 50}]}],
    }
    spec = spec_of("fill_blanks", entry)
    public, private = present("fill_blanks", spec)
    assert len(public["segments"]) == 3 and "85.6" not in str(public)
    blanks = QUESTION_TYPES["fill_blanks"]
    assert blanks.grade(public, private, blanks.parse_response(["85,65", " Paper "])).fraction == 1.0
    assert blanks.grade(public, private, blanks.parse_response(["85.6", "papyrus"])).fraction == 0.75
    assert blanks.grade(public, private, blanks.parse_response(["", "paper"])).fraction == 0.5
    assert blanks.parse_response(["", " "]) is None
    assert blanks.validate({"prompt": "[[2]] [[1]]", "blanks": [{"answer": 1}, {"answer": 2}]})
    assert blanks.validate({"prompt": "[[1]]", "blanks": [{"answer": 1, "accept": ["x"]}]})


@pytest.mark.parametrize(
    ("typed", "credit"),
    [("blood type", 1.0), ("BLOOD  Type", 1.0), ("blood group", 0.5), ("bloody", 0.5), ("type", 0.0), ("xblood", 0.0)],
)
def test_short_text_partial_credit_and_wildcards(typed, credit):
    spec = spec_of("short_text", {"accept": ["blood type", {"text": "blood*", "credit": 50, "feedback": "Nearly."}]})
    public, private = present("short_text", spec)
    grade = QUESTION_TYPES["short_text"].grade(public, private, typed)
    assert grade.fraction == credit
    assert bool(grade.feedback_html) == (credit == 0.5)


def test_short_text_needs_a_full_credit_answer_and_more_than_a_wildcard():
    short = QUESTION_TYPES["short_text"]
    assert short.validate({"accept": [{"text": "a", "credit": 50}]})
    assert short.validate({"accept": ["*"]})
    assert short.validate({"accept": [{"text": "a", "credit": 150}]})


def test_an_essay_is_pending_until_marked_and_marks_complete_the_score():
    essay = QUESTION_TYPES["essay"]
    public, private = present("essay", spec_of("essay", {"guidance": "Look for **distance**."}))
    snapshot = [
        {"key": "e", "type": "essay", "points": 4, "public": public, "private": private},
        {"key": "t", "type": "true_false", "points": 1, "public": {}, "private": {"answer": True}},
    ]
    graded = grade_attempt(snapshot, {"e": essay.parse_response(["Line one\r\n\r\nLine two"]), "t": True})
    assert graded.pending and graded.percent is None and graded.score == 1
    marked = with_marks(snapshot, graded.results, {"e": {"points": 3, "feedback_html": "<p>Good.</p>"}})
    assert not marked.pending and marked.score == 4 and marked.percent == 80.0
    assert marked.results[0]["feedback_html"] == ["<p>Good.</p>"]
    blank = grade_attempt(snapshot, {})
    assert not blank.pending and blank.percent == 0.0  # nothing written: nothing to mark


# --- end to end -------------------------------------------------------------------------------------------------


@pytest.fixture
def types_course(app, course_dir):
    (course_dir / "quizzes" / "types-quiz.yaml").write_text(TYPES_QUIZ, encoding="utf-8")
    with app.app_context():
        import_course(course_dir)
    return course_dir


def right_answers(snapshot) -> dict:
    """Form values answering every question right (the essay with two paragraphs)."""
    by_key = {question["key"]: question for question in snapshot}
    return {
        "q-match": [f"{i}:{k}" for i, k in enumerate(by_key["match"]["private"]["key"])],
        "q-order": [f"{i}:{k}" for i, k in enumerate(by_key["order"]["private"]["key"])],
        "q-blanks": ["85.6", "laminated paper"],
        "q-short": "blood group",
        "q-essay": "It can be read\r\n\r\nfrom a distance.",
    }


def take(client, app) -> int:
    response = client.post("/courses/sample-course/quizzes/types-quiz/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    for secret in ('contactless chips" selected', "Mentions reading", "at a distance", "laminated", "85.6", "lamin*"):
        assert secret not in page, secret
    assert '<select name="q-match" id="q-match-0">' in page and 'aria-label="Blank 2"' in page
    assert '<textarea name="q-essay"' in page
    with app.app_context():
        snapshot = db.session.get(Attempt, attempt_id).snapshot
    data = right_answers(snapshot)
    assert client.post(f"/attempts/{attempt_id}", data={"action": "save", **data}).status_code == 302
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="laminated paper"' in page and " selected>" in page and "from a distance.</textarea>" in page
    assert (
        client.post(f"/attempts/{attempt_id}", data={"action": "submit", "confirmed": "yes", **data}).status_code == 302
    )
    return attempt_id


@pytest.fixture
def marking_class(app, auth, types_course):
    ids = add_users(app, {"teacher": "instructor", "other": "instructor", "sam": "student", "kim": "student"})
    classroom = make_class(app, "7B", ids["teacher"], [ids["sam"], ids["kim"]])
    return classroom, ids


def test_every_new_type_taken_submitted_and_fed_back(app, client, auth, marking_class):
    sign_in_as(auth, "sam")
    attempt_id = take(client, app)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.percent is None and attempt.passed is None and attempt.score == 3.5
        results = {result["key"]: result for result in attempt.results}
        assert results["match"]["fraction"] == 1.0 and results["order"]["fraction"] == 1.0
        assert results["blanks"]["fraction"] == 1.0 and results["short"]["fraction"] == 0.5
        assert results["essay"]["pending"] and attempt.responses["essay"] == "It can be read\n\nfrom a distance."
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Awaiting grading" in page and "Nearly." in page and "Partly correct" in page
    assert "Correct answer: blood type" in page and "ISO/IEC 14443 → contactless chips" in page
    assert "<p>from a distance.</p>" in page
    progress = client.get("/progress").get_data(as_text=True)
    assert "Every new type" not in progress or "—" in progress


def test_the_marking_queue_is_anonymous_and_marks_count_once_given(app, client, auth, marking_class):
    classroom, ids = marking_class
    sign_in_as(auth, "sam")
    attempt_id = take(client, app)
    auth.logout()
    sign_in_as(auth, "other")  # an instructor, but not of sam's class
    assert client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking").status_code == 404
    assert client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1").status_code == 404
    assert (
        client.post(f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1", data={"points": "4"}).status_code
        == 404
    )
    auth.logout()
    sign_in_as(auth, "kim")
    assert client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking").status_code in (302, 403, 404)
    auth.logout()
    sign_in_as(auth, "teacher")
    queue = client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking").get_data(as_text=True)
    words = lambda html: parse(html).first("main").text  # noqa: E731 (not the HTML: a CSRF token may hold "sam")
    assert "1 of 1 answer await a mark" in queue and "sam" not in words(queue)
    page = client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1").get_data(as_text=True)
    assert "sam" not in words(page) and "from a distance." in page and "<strong>at a distance</strong>" in page
    assert 'name="csrf_token"' in page
    assert "sam" in client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1&names=1").get_data(
        as_text=True
    )
    bad = client.post(f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1", data={"points": "9"})
    assert bad.status_code == 200 and "Give a number from 0 to 4" in bad.get_data(as_text=True)
    with app.app_context():
        before = db.session.get(Attempt, attempt_id)
        frozen = (before.snapshot, before.responses, before.results)
    saved = client.post(
        f"/teach/classes/{classroom}/quizzes/types-quiz/marking?answer=1",
        data={"points": "3", "feedback": "Good: *distance*."},
    )
    assert saved.status_code == 302 and saved.location.endswith("/marking")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.snapshot, attempt.responses, attempt.results) == frozen
        assert attempt.score == 6.5 and attempt.percent == pytest.approx(81.2) and attempt.passed is True
        assert db.session.scalar(select(AnswerMark.feedback_html)) == "<p>Good: <em>distance</em>.</p>\n"
    gradebook = client.get(f"/teach/classes/{classroom}/gradebook").get_data(as_text=True)
    assert "81%" in gradebook
    auth.logout()
    sign_in_as(auth, "sam")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Awaiting grading" not in page and "3 of 4 points" in page and "<em>distance</em>" in page
    assert "81%" in page


def test_item_analysis_counts_new_types_and_leaves_out_unmarked_essays(app, client, auth, marking_class):
    classroom, _ids = marking_class
    app.config["MIN_STUDENTS_FOR_STATS"] = 1
    sign_in_as(auth, "sam")
    take(client, app)
    auth.logout()
    sign_in_as(auth, "teacher")
    page = client.get(f"/teach/classes/{classroom}/quizzes/types-quiz/analysis").get_data(as_text=True)
    assert "ISO/IEC 14443 → contactless chips" in page and "1. apply" in page
    essay_block = parse(page).innermost("section", "Why does a contactless chip").text
    assert "from a distance" not in essay_block
    assert "Every new type" in page or "types-quiz" in page


def test_new_types_come_back_from_export_and_through_the_editor(app, client, auth, types_course, tmp_path):
    with app.app_context():
        files = course_files(course_for_export("sample-course"))
        exported = files["quizzes/types-quiz.yaml"].decode()
        for text in (
            "type: matching",
            "distractors:",
            "type: ordering",
            "type: fill_blanks",
            "credit: 50",
            "lamin*",
            "type: essay",
            "guidance: Mentions reading **at a distance**.",
        ):
            assert text in exported, text
        before = {q.key: (q.type, q.spec) for q in db.session.scalars(select(Question))}
        write_course_folder(files, tmp_path / "again")
        import_course(tmp_path / "again")
        after = {q.key: (q.type, q.spec) for q in db.session.scalars(select(Question))}
        assert after == before
    auth.as_role("admin", "ada")
    quiz_url = "/author/courses/sample-course/quizzes/types-quiz"
    shown = {
        "match": "chips with contacts",
        "order": "enrol fingerprints",
        "blanks": "= 85.6 ± 0.1",
        "short": "blood* | 50% | Nearly.",
        "essay": "Mentions reading",
    }
    for key, text in shown.items():
        page = client.get(f"{quiz_url}/questions/{key}").get_data(as_text=True)
        assert text in page, key
    form = {"key": "order", "prompt": "Put them in order.", "items": "one\r\ntwo\r\nthree", "points": "1"}
    assert client.post(f"{quiz_url}/questions/order", data=form).status_code == 302
    bad = client.post(
        f"{quiz_url}/questions/?type=fill_blanks",
        data={"key": "b2", "prompt": "No blanks here.", "blanks": "x", "points": "1"},
    )
    assert bad.status_code == 200 and "[[1]]" in bad.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalar(select(Question).where(Question.key == "order"))
        assert order.spec["items"] == ["one", "two", "three"]
