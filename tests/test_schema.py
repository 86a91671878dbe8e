"""The declarative schema every YAML reader shares (course/schema.py), as plain functions: problems are codes, never
sentences, so the course loader and the lab can each word them."""

import pytest

from course import schema
from course.content.yaml_lines import load_yaml

QUIZ_LIKE = schema.Schema(
    {
        "slug": schema.slug(max_length=10),
        "title": schema.text(max_length=5),
        "pass_mark": schema.integer(low=0, high=100, default=70),
        "shuffle": schema.boolean(default=True),
        "kind": schema.one_of("reading", "scenario", default="reading"),
        "points": schema.number(above=0, default=1),
        "notes": schema.list_of(nullable=True),
        "questions": schema.list_of(required=True, non_empty=True),
    }
)


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("slug", "Card_Tech", "not_slug"),
        ("slug", "a-very-long-slug", "too_long"),
        ("slug", True, "yes_no"),
        ("slug", "", "blank"),
        ("slug", 5, "not_text"),
        ("title", "  long title  ", "too_long"),
        ("pass_mark", 101, "out_of_range"),
        ("pass_mark", True, "not_integer"),
        ("pass_mark", 7.5, "not_integer"),
        ("shuffle", "yes", "not_boolean"),
        ("kind", "lecture", "not_choice"),
        ("points", 0, "out_of_range"),
        ("questions", [], "empty_list"),
        ("questions", "one", "not_list"),
        ("questions", None, "missing"),
        ("pass_mark", None, "missing"),
    ],
)
def test_each_kind_of_problem_has_its_code(name, value, code):
    problem = schema.problem_in(QUIZ_LIKE[name], value)
    assert problem is not None and problem.code == code


@pytest.mark.parametrize(
    "name, value",
    [
        ("slug", "card-tech"),
        ("title", " Quiz "),
        ("pass_mark", 0),
        ("points", 0.5),
        ("kind", "scenario"),
        ("notes", None),
    ],
)
def test_good_values_pass_and_come_back_cleaned(name, value):
    assert schema.problem_in(QUIZ_LIKE[name], value) is None
    assert schema.cleaned(QUIZ_LIKE[name], value) == (value.strip() if isinstance(value, str) else value)


def test_absent_keys_are_missing_only_when_required_and_stand_for_their_default():
    assert schema.problem_in(QUIZ_LIKE["questions"], None, present=False).code == "missing"
    assert schema.problem_in(QUIZ_LIKE["pass_mark"], None, present=False) is None
    assert schema.cleaned(QUIZ_LIKE["pass_mark"], None) == 70


def test_unknown_and_missing_keys_in_the_files_order_on_line_aware_yaml():
    data, problems = load_yaml("slug: a\ntitel: b\nquestions: [x]\nextra: 1\n", "quiz.yaml")
    assert not problems
    unknown = list(schema.unknown_keys(QUIZ_LIKE, data))
    assert unknown == ["titel", "extra"] and [data.line_of(key) for key in unknown] == [2, 4]
    assert list(schema.missing_keys(QUIZ_LIKE.with_keys({"titel"}), data)) == ["title"]
    assert list(schema.unknown_keys(schema.Schema(QUIZ_LIKE.fields, closed=False), data)) == []
