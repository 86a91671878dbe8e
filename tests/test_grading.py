"""Scoring of every question type, as pure functions (no Flask)."""

import random

import pytest

from course.grading import grade_attempt
from course.question_types import QUESTION_TYPES
from course.question_types.answers import normalise_text, parse_number


def choices(*specs):
    return {
        "choices": [
            {
                "text": text,
                "html": text,
                "correct": correct,
                "feedback": f"fb {text}",
                "feedback_html": f"fb {text}",
                "misconception": "" if correct else f"m-{text}",
            }
            for text, correct in specs
        ]
    }


def present(kind, spec, shuffle=False, seed=1):
    return QUESTION_TYPES[kind].present(spec, shuffle, random.Random(seed))


def grade(kind, spec, response, shuffle=False):
    public, private = present(kind, spec, shuffle)
    return QUESTION_TYPES[kind].grade(public, private, response)


SINGLE = choices(("A", False), ("B", True), ("C", False))


def test_single_choice_right_wrong_and_blank():
    assert grade("single", SINGLE, 1).fraction == 1.0
    wrong = grade("single", SINGLE, 0)
    assert wrong.fraction == 0.0 and wrong.feedback_html == ["fb A"] and wrong.misconceptions == ["m-A"]
    assert grade("single", SINGLE, None).response_text == "(no answer)"
    assert grade("single", SINGLE, 7).fraction == 0.0  # a tampered position out of range


def test_single_choice_reads_one_value_only():
    qtype = QUESTION_TYPES["single"]
    assert qtype.parse_response(["2"]) == 2
    assert qtype.parse_response(["1", "2"]) is None
    assert qtype.parse_response(["x"]) is None
    assert qtype.parse_response([]) is None


def test_shuffled_positions_map_to_the_right_choice():
    public, private = present("single", SINGLE, shuffle=True, seed=4)
    correct_position = private["texts"].index("B")
    assert private["correct"] == [correct_position]
    assert public["choices"][correct_position] == "B"
    assert QUESTION_TYPES["single"].grade(public, private, correct_position).correct


def test_public_part_carries_no_key():
    for kind, spec in [
        ("single", SINGLE),
        ("true_false", {"answer": True}),
        ("short_text", {"accept": ["x"]}),
        ("numeric", {"answer": 8, "tolerance": 0}),
    ]:
        public, _private = present(kind, spec)
        text = repr(public)
        assert "correct" not in text and "answer" not in text and "accept" not in text and "fb " not in text


MULTI = choices(("A", True), ("B", True), ("C", False), ("D", False))


@pytest.mark.parametrize(
    "response, fraction",
    [([0, 1], 1.0), ([0], 0.5), ([0, 1, 2], 0.5), ([0, 2], 0.0), ([2, 3], 0.0), ([0, 1, 2, 3], 0.0), (None, 0.0)],
)
def test_multiple_select_partial_credit_never_below_zero(response, fraction):
    assert grade("multiple", MULTI, response).fraction == fraction


def test_multiple_select_reports_misconceptions_of_wrong_picks_only():
    result = grade("multiple", MULTI, [0, 2])
    assert result.misconceptions == ["m-C"]
    assert QUESTION_TYPES["multiple"].parse_response(["3", "1", "1", "bad"]) == [1, 3]


@pytest.mark.parametrize("values, parsed", [(["true"], True), (["FALSE"], False), ([], None), (["maybe"], None)])
def test_true_false_parsing(values, parsed):
    assert QUESTION_TYPES["true_false"].parse_response(values) is parsed


def test_true_false_grading():
    assert grade("true_false", {"answer": False}, False).correct
    assert not grade("true_false", {"answer": False}, True).correct
    assert grade("true_false", {"answer": False}, None).fraction == 0.0


@pytest.mark.parametrize(
    "typed, correct",
    [
        ("blood type", True),
        ("  Blood   TYPE ", True),
        ("BLOOD GROUP", True),
        ("bloodtype", False),
        ("", False),
        ("ｂｌｏｏｄ ｔｙｐｅ", True),
        ("blood\ttype", True),
        ("blood types", False),
    ],
)
def test_short_text_ignores_case_and_spacing_only(typed, correct):
    spec = {"accept": ["Blood type", "blood group"]}
    response = QUESTION_TYPES["short_text"].parse_response([typed])
    assert grade("short_text", spec, response).correct is correct


def test_normalise_text():
    assert normalise_text("  Ａ  b\nC ") == "a b c"


@pytest.mark.parametrize(
    "typed, correct",
    [
        ("8", True),
        ("8.0", True),
        ("7.5", True),
        ("8,5", True),
        ("8.51", False),
        ("7.49", False),
        ("-8", False),
        ("eight", False),
        ("", False),
        ("inf", False),
        ("nan", False),
        (" 8 ", True),
    ],
)
def test_numeric_tolerance_is_inclusive(typed, correct):
    spec = {"answer": 8, "tolerance": 0.5}
    response = QUESTION_TYPES["numeric"].parse_response([typed])
    assert grade("numeric", spec, response).correct is correct


def test_numeric_exact_answer_survives_float_error():
    assert grade("numeric", {"answer": 0.3, "tolerance": 0}, "0.30000000000000004").correct
    assert grade("numeric", {"answer": 0.3, "tolerance": 0}, "0.3001").correct is False


def test_numeric_non_number_gets_feedback():
    result = grade("numeric", {"answer": 1, "tolerance": 0}, "one")
    assert result.feedback_html == ["<p>That is not a number.</p>"]


@pytest.mark.parametrize("text, value", [("1 000", 1000.0), ("1,5", 1.5), ("1,000.5", None), ("1e3", 1000.0)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "kind, question, field",
    [
        ("single", {"choices": [{"text": "a", "correct": True}]}, "choices"),
        ("single", {"choices": [{"text": "a"}, {"text": "b"}]}, "choices"),
        ("single", {"choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}, "choices"),
        ("multiple", {"choices": [{"text": "a"}, {"text": ""}]}, "choices"),
        ("multiple", {"choices": [{"text": "a", "correct": "yes"}, {"text": "b", "correct": True}]}, "choices"),
        ("true_false", {"answer": "false"}, "answer"),
        ("short_text", {"accept": []}, "accept"),
        ("short_text", {"accept": [" "]}, "accept"),
        ("numeric", {"answer": "8"}, "answer"),
        ("numeric", {"answer": 8, "tolerance": -1}, "tolerance"),
        ("numeric", {"answer": True}, "answer"),
    ],
)
def test_validation_names_the_field(kind, question, field):
    problems = QUESTION_TYPES[kind].validate(question)
    assert problems and problems[0][0] == field


def test_valid_questions_have_no_problems():
    assert QUESTION_TYPES["single"].validate({"choices": [{"text": "a", "correct": True}, {"text": "b"}]}) == []
    assert QUESTION_TYPES["numeric"].validate({"answer": 8.5}) == []


def test_grade_attempt_sums_points_and_percent():
    snapshot = []
    for key, kind, spec, points in [
        ("s", "single", SINGLE, 1),
        ("m", "multiple", MULTI, 2),
        ("n", "numeric", {"answer": 10, "tolerance": 0}, 1),
    ]:
        public, private = present(kind, spec)
        snapshot.append({"key": key, "type": kind, "points": points, "public": public, "private": private})
    result = grade_attempt(snapshot, {"s": 1, "m": [0], "n": "11"})
    assert (result.score, result.max_score, result.percent) == (2.0, 4, 50.0)
    assert [r["correct"] for r in result.results] == [True, False, False]
    assert result.results[1]["earned"] == 1.0
