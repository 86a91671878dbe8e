"""GIFT import and export as pure functions: each question type, every reported problem, and round trips."""

from pathlib import Path

import pytest

from course.content.gift import parse_gift
from course.content.gift_export import export_gift
from course.content.problems import ContentError, ContentProblem

GIFT_DATA = Path(__file__).parent / "data" / "gift"


def parse_one(gift: str) -> dict:
    """The only question of a one-question GIFT text."""
    [question] = parse_gift(gift)
    return question


def problems_of(gift: str, path: str = "<gift>") -> list[ContentProblem]:
    with pytest.raises(ContentError) as raised:
        parse_gift(gift, path)
    return raised.value.problems


def lines_and_messages(gift: str) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in problems_of(gift)]


# --- question types ----------------------------------------------------------------------------------------------


def test_single_choice():
    assert parse_one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}") == {
        "id": "q1",
        "type": "single",
        "prompt": "Who's buried in Grant's tomb?",
        "choices": [
            {"text": "Grant", "correct": False},
            {"text": "Jefferson", "correct": False},
            {"text": "no one", "correct": True},
        ],
    }


def test_multiple_answers_right_ones_have_positive_weight():
    question = parse_one("Which are biometric? {~%50%fingerprint ~%50%face image ~%-100%blood type}")
    assert question["type"] == "multiple"
    assert question["choices"] == [
        {"text": "fingerprint", "correct": True},
        {"text": "face image", "correct": True},
        {"text": "blood type", "correct": False},
    ]


def test_multiple_answers_accept_thirds():
    question = parse_one("Pick three {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert [choice["correct"] for choice in question["choices"]] == [True, True, True, False]


def test_multiple_answers_with_unequal_weights_keep_them_grade_them_and_export_them():
    import random

    from course.content.gift import read_gift
    from course.content.gift_quiz import located_questions
    from course.content.loader import load_questions
    from course.question_types import question_type

    gift = "::Risks::Which are risks? {\n\t~%50%skimming\n\t~%30%eavesdropping\n\t~%20%tracking\n\t~%-100%wear\n}"
    question = parse_one(gift)
    assert [(choice["correct"], choice["credit"]) for choice in question["choices"]] == [
        (True, 50),
        (True, 30),
        (True, 20),
        (False, -100),
    ]
    [checked] = load_questions(located_questions(read_gift(gift), False)[0], "<gift>")
    multiple = question_type("multiple")
    public, private = multiple.present(checked.spec, shuffle=True, rng=random.Random(4))
    position = {text: private["texts"].index(text) for text in ("skimming", "eavesdropping", "tracking", "wear")}

    def grade(*texts):
        return multiple.grade(public, private, [position[text] for text in texts]).fraction

    assert grade("skimming") == 0.5 and grade("skimming", "eavesdropping") == 0.8
    assert grade("skimming", "eavesdropping", "tracking") == 1.0 and grade("skimming", "wear") == 0.0
    assert grade("eavesdropping", "tracking") == 0.5
    exported = export_gift({"slug": "q", "title": "Q", "questions": [question]})
    assert "\t~%50%skimming\n\t~%30%eavesdropping\n\t~%20%tracking\n\t~%-100%wear\n" in exported
    assert parse_gift(exported) == [question]


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ([60, 30, 20, -100], "the credits of the correct choices add up to 110%, not 100%"),
        ([50, 30, 20, 10], "choice 4: a correct choice has a credit above 0, a wrong one 0 or below"),
        ([50, 30, 20, None], "choice 4: credit must be a percentage from -100 to 100, on every choice once one has it"),
        ([50, 30, 20, -200], "choice 4: credit must be a percentage from -100 to 100, on every choice once one has it"),
    ],
)
def test_choice_credits_are_checked(credits, message):
    from course.question_types import question_type

    choices = [
        {"text": text, "correct": index < 3, **({"credit": credit} if credit is not None else {})}
        for index, (text, credit) in enumerate(zip("abcd", credits, strict=True))
    ]
    assert ("choices", message) in question_type("multiple").validate({"choices": choices})


def test_multiple_answers_with_a_single_full_weight_stays_multiple():
    question = parse_one("Tick every right one {~%100%only this ~not this}")
    assert question["type"] == "multiple"
    assert [choice["correct"] for choice in question["choices"]] == [True, False]


@pytest.mark.parametrize(
    ("answer_block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)],
)
def test_true_false(answer_block, answer):
    assert parse_one(f"The sun rises in the east.{answer_block}") == {
        "id": "q1",
        "type": "true_false",
        "prompt": "The sun rises in the east.",
        "answer": answer,
    }


def test_true_false_keeps_each_feedback_with_its_answer_and_general_feedback_as_the_explanation():
    question = parse_one(
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.\n"
        "####This is, of course, a Hitchhiker's Guide to the Galaxy reference.}"
    )
    assert question == {
        "id": "q1",
        "title": "Q1",
        "type": "true_false",
        "prompt": "42 is the Absolute Answer to everything.",
        "answer": False,
        "true_feedback": "42 is the Ultimate Answer.",
        "false_feedback": "You gave the right answer.",
        "explanation": "This is, of course, a Hitchhiker's Guide to the Galaxy reference.",
    }


def test_true_false_with_only_wrong_answer_feedback():
    question = parse_one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question["true_feedback"] == "No one is buried in Grant's tomb."
    assert "explanation" not in question


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    assert parse_one("Is it? {true}")["type"] == "short_text"


def test_short_answer():
    assert parse_one("Who's buried in Grant's tomb?{=no one =nobody}") == {
        "id": "q1",
        "type": "short_text",
        "prompt": "Who's buried in Grant's tomb?",
        "accept": ["no one", "nobody"],
    }


def test_short_answer_keeps_full_credit_answers_and_their_feedback():
    question = parse_one(
        "::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n"
        "}"
    )
    assert question["accept"] == [
        {"text": "Frog", "credit": 100, "feedback": "Good!"},
        {"text": "Cat", "credit": 50, "feedback": "What is it with Moodlers and cats?"},
        {"text": "*", "credit": 0, "feedback": "Completely wrong"},
    ]
    assert "explanation" not in question


def test_short_answer_feedback_stays_with_each_answer():
    question = parse_one("Who's buried in Grant's tomb?{\n=no one#excellent answer!\n=nobody#excellent answer!}")
    assert question["accept"] == [
        {"text": "no one", "credit": 100, "feedback": "excellent answer!"},
        {"text": "nobody", "credit": 100, "feedback": "excellent answer!"},
    ]
    assert "explanation" not in question


@pytest.mark.parametrize(
    ("answer_block", "answer", "tolerance"),
    [
        ("{#1822}", 1822, 0),
        ("{#1822:5}", 1822, 5),
        ("{#10:0.5}", 10, 0.5),
        ("{#9..11}", 10, 1),
        ("{#3.141..3.142}", 3.1415, 0.0005),
        ("{#-11..-9}", -10, 1),
        ("{#=1822:0 =%50%1822:2}", 1822, 0),
        ("{#=%50%1822:2 =1822:0}", 1822, 0),
    ],
)
def test_numeric(answer_block, answer, tolerance):
    question = parse_one(f"When was Ulysses S. Grant born? {answer_block}")
    assert question["type"] == "numeric"
    assert (question["answer"], question["tolerance"]) == (answer, tolerance)


def test_numeric_whole_numbers_are_ints():
    question = parse_one("How many years is the card valid? {#9..11}")
    assert type(question["answer"]) is int
    assert type(question["tolerance"]) is int


def test_numeric_keeps_every_answer_with_its_credit_and_feedback():
    question = parse_one(
        "::Numerical example::\n"
        "When was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n"
        "                  You get 50% credit for being close.\n"
        "     ~#Look it up: he was born in 1822.\n"
        "}"
    )
    assert question == {
        "id": "numerical-example",
        "title": "Numerical example",
        "type": "numeric",
        "prompt": "When was Ulysses S. Grant born?",
        "answer": 1822,
        "tolerance": 0,
        "feedback": "Correct! 100% credit",
        "other_answers": [
            {
                "answer": 1822,
                "tolerance": 2,
                "credit": 50,
                "feedback": "He was born in 1822.\n                  You get 50% credit for being close.",
            }
        ],
        "wrong_feedback": "Look it up: he was born in 1822.",
    }


# --- feedback, titles, text -------------------------------------------------------------------------------------


def test_per_choice_feedback_and_general_feedback():
    question = parse_one(
        "What's the answer to this multiple-choice question?{\n"
        "~wrong answer#feedback comment on the wrong answer\n"
        "~another wrong answer#feedback comment on this wrong answer\n"
        "=right answer#Very good!\n"
        "####General feedback for everyone.}"
    )
    assert question["choices"] == [
        {"text": "wrong answer", "correct": False, "feedback": "feedback comment on the wrong answer"},
        {"text": "another wrong answer", "correct": False, "feedback": "feedback comment on this wrong answer"},
        {"text": "right answer", "correct": True, "feedback": "Very good!"},
    ]
    assert question["explanation"] == "General feedback for everyone."


def test_titles_become_unique_slugs_and_untitled_questions_are_numbered_by_position():
    questions = parse_gift(
        "::Jesus' hometown::Jesus Christ was from {=Nazareth}\n\n"
        "Untitled {T}\n\n"
        "::Jesus' hometown:: Jesus Christ was from {=Nazareth =Nazaret}\n\n"
        "::Über Ausweis::Ist das ein Ausweis? {T}\n\n"
        "::???::Punctuation only {F}"
    )
    assert [question["id"] for question in questions] == [
        "jesus-hometown",
        "q2",
        "jesus-hometown-2",
        "uber-ausweis",
        "q5",
    ]


def test_missing_word_becomes_a_prompt_with_a_blank():
    question = parse_one(
        "::Grant's Tomb::Grant is {\n"
        "      ~buried#No one is buried there.\n"
        "      =entombed#Right answer!\n"
        "      ~living#We hope not!\n"
        "} in Grant's tomb."
    )
    assert question["prompt"] == "Grant is _____ in Grant's tomb."
    assert question["type"] == "single"


def test_missing_word_works_for_every_type():
    assert parse_one("Two plus two equals {=four =4}.")["prompt"] == "Two plus two equals _____."
    assert parse_one("What is pi to 3 decimals? {#3.1415:0.0005}.")["prompt"] == "What is pi to 3 decimals? _____."


def test_multi_line_question_keeps_its_line_breaks():
    question = parse_one(
        "::Kanji Origins::Japanese characters originally\n"
        "came from what country? {\n"
        "    ~India\n"
        "    =China\n"
        "    ~Korea\n"
        "    ~Egypt}"
    )
    assert question["id"] == "kanji-origins"
    assert question["prompt"] == "Japanese characters originally\ncame from what country?"
    assert [choice["text"] for choice in question["choices"]] == ["India", "China", "Korea", "Egypt"]


def test_escapes():
    question = parse_one(
        "::GIFT Control Characters\\: a test::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "   ~ \\~     # \\~ is a control character.\n"
        "   ~ \\=     # \\= is a control character.\n"
        "   ~ \\#     # \\# is a control character.\n"
        "   ~ \\{     # \\{ is a control character.\n"
        "   ~ \\}     # \\} is a control character.\n"
        "   ~ \\:     # \\: is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character.\n"
        "}"
    )
    assert question["id"] == "gift-control-characters-a-test"
    assert [choice["text"] for choice in question["choices"]] == ["~", "=", "#", "{", "}", ":", "\\"]
    assert question["choices"][-1]["feedback"] == "Correct! \\ (backslash) is not a control character."


def test_escaped_newline_and_unknown_escapes():
    question = parse_one(r"Line one\nline two with \*stars\* {T####See\n\nthe lesson.}")
    assert question["prompt"] == "Line one\nline two with \\*stars\\*"
    assert question["explanation"] == "See\n\nthe lesson."


def test_text_formats_become_markdown():
    question = parse_one(
        "[markdown]Who's buried in **Grant's tomb**?{\n"
        "    =[plain]no one, *really*#[html]<b>excellent</b> answer!\n"
        "    ~[moodle]Grant\n"
        "}"
    )
    assert question["prompt"] == "Who's buried in **Grant's tomb**?"
    assert question["choices"] == [
        {"text": "no one, \\*really\\*", "correct": True, "feedback": "**excellent** answer\\!"},
        {"text": "Grant", "correct": False},
    ]


def test_html_is_sanitised_by_the_allow_list_and_kept_as_markdown():
    question = parse_one(
        '[html]<p>Listen to <a href="https://example.org/grant.mp3">the <i>recording</i></a>.</p>'
        '<script>alert(1)</script><p onclick="x()">Who is buried?</p>{=no one#<b>Yes</b>}'
    )
    assert question["prompt"] == (
        "Listen to [the *recording*](https://example.org/grant.mp3)\\.\n\nalert\\(1\\)\n\nWho is buried?"
    )
    assert question["accept"] == [{"text": "no one", "credit": 100, "feedback": "**Yes**"}]


def test_comments_are_ignored_even_inside_a_question_and_categories_become_tags():
    questions = parse_gift(
        "// EXAMPLE QUESTIONS\n"
        "$CATEGORY: $course$/top/Card technology\n\n"
        "//this comment will be ignored by the filter\n"
        "Which standard covers contactless cards? {\n"
        "// the right one first\n"
        "=ISO/IEC 14443\n"
        "~ISO/IEC 7816\n"
        "}\n\n"
        "// trailing comment"
    )
    assert questions == [
        {
            "id": "q1",
            "type": "single",
            "prompt": "Which standard covers contactless cards?",
            "choices": [{"text": "ISO/IEC 14443", "correct": True}, {"text": "ISO/IEC 7816", "correct": False}],
            "tags": ["Card technology"],
        }
    ]


def test_windows_line_endings_and_byte_order_mark():
    questions = parse_gift("\ufeff// exported on Windows\r\nFirst {T}\r\n\r\nSecond {F}\r\n")
    assert [question["prompt"] for question in questions] == ["First", "Second"]


def test_moodle_examples_file():
    questions = parse_gift((GIFT_DATA / "moodle-examples.gift").read_text(), "moodle-examples.gift")
    assert [(question["id"], question["type"]) for question in questions] == [
        ("grants-tomb", "single"),
        ("q2", "single"),
        ("thanksgiving-date", "single"),
        ("q4", "multiple"),
        ("q5", "true_false"),
        ("q6", "true_false"),
        ("q7", "short_text"),
        ("q8", "numeric"),
        ("q9", "numeric"),
        ("q10", "single"),
    ]
    assert questions[2]["prompt"] == (
        "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November."
    )


# --- problems ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "line", "message"),
    [
        pytest.param("", 1, "no questions found", id="empty file"),
        pytest.param("// only a comment\n\n$CATEGORY: tomb\n", 1, "no questions found", id="only comments"),
        pytest.param(
            "First {T}\n\n::Intro::These questions are about cards.", 3, "unsupported description", id="description"
        ),
        pytest.param("Grant is buried in\n{\n=no one\n~Grant\n", 2, "'{' is never closed", id="unterminated brace"),
        pytest.param("Grant is buried in\n=no one\n~Grant}", 3, "'}' without an opening '{'", id="stray brace"),
        pytest.param("Solve {x} {\n~1\n=2}", 1, "a second answer block", id="two blocks"),
        pytest.param("Which?\n{~a {b} =c}", 2, "'{' inside an answer block", id="nested brace"),
        pytest.param("::Unclosed title Q {T}", 1, "the question title is not closed", id="unclosed title"),
        pytest.param("::Title::\n{T}", 1, "the question has no text before its answers", id="no prompt"),
        pytest.param(
            "Difficult question.{\n~wrong answer\n~%50%half credit answer\n=full credit answer}",
            3,
            "weight 50% in a single-choice question",
            id="partial credit single",
        ),
        pytest.param(
            "Grant?{\n=Grant\n~%-50%Jefferson}",
            3,
            "weight -50% in a single-choice question",
            id="negative weight single",
        ),
        pytest.param("Which?{=a =b ~c}", 1, "exactly one =right answer, not 2", id="two right single"),
        pytest.param("Which?{~%50%a ~%25%b ~c}", 1, "add up to 75%, not 100%", id="weights short of 100"),
        pytest.param("Which?{~a ~b}", 1, "no answer is right", id="no right answer"),
        pytest.param("Which?{~%100%a ~%-150%b}", 1, "weight -150% is outside", id="weight out of range"),
        pytest.param("Fine {T}\n\nWhich?{~%100%only}", 3, "at least two answers", id="one choice"),
        pytest.param("Which?{~a ~ =b}", 1, "an answer has no text", id="empty choice"),
        pytest.param(
            "Who's buried in Grant's tomb?{\n=%50%Grant}",
            1,
            "no short answer gets full credit",
            id="short answer without full credit",
        ),
        pytest.param("When?{#=%50%1822:2}", 1, "needs a full-credit answer", id="numeric partial only"),
        pytest.param("When?{#\n=1822:0\n=%50%eighteen:2}", 3, "'eighteen:2' is not a number answer", id="not a number"),
        pytest.param("When?{#1822:-1}", 1, "'1822:-1' is not a number answer", id="negative tolerance"),
        pytest.param("When?{#11..9}", 1, "'11..9' is not a number answer", id="backwards range"),
        pytest.param("When?{#}", 1, "needs a full-credit answer", id="numeric without answer"),
    ],
)
def test_each_problem_is_reported_at_its_line(gift, line, message):
    [problem] = problems_of(gift)
    assert problem.line == line
    assert message in problem.message


def test_unsupported_file_reports_every_problem_at_once_with_path_and_line():
    path = str(GIFT_DATA / "unsupported.gift")
    problems = problems_of(Path(path).read_text(), path)
    assert [(problem.path, problem.line) for problem in problems] == [(path, 11), (path, 13), (path, 15)]
    constructs = ["description", "single-choice", "never closed"]
    for construct, problem in zip(constructs, problems, strict=True):
        assert construct in problem.message
    assert str(problems[0]) == f"{path}:11: {problems[0].message}"


def test_problems_in_one_question_are_all_reported_and_good_questions_do_not_hide_them():
    assert lines_and_messages("Fine {T}\n\nWhich?{\n=a\n~%50%b\n~%-50%c\n=d}") == [
        (3, "a single-choice question needs exactly one =right answer, not 2"),
        (
            5,
            "unsupported weight 50% in a single-choice question: Lanyard's single choice is right or wrong (=right "
            "and ~wrong answers)",
        ),
        (
            6,
            "unsupported weight -50% in a single-choice question: Lanyard's single choice is right or wrong (=right "
            "and ~wrong answers)",
        ),
    ]


def test_line_numbers_count_comment_and_category_lines():
    gift = "// heading\n$CATEGORY: tomb\n// note\nMatch {=a -> b =c}"
    assert lines_and_messages(gift)[0][0] == 4


# --- export and round trips -------------------------------------------------------------------------------------


CARD_QUIZ = {
    "slug": "card-technology-quiz",
    "title": "Card technology — check your understanding",
    "module": "card-technology",
    "pass_mark": 70,
    "max_attempts": 3,
    "shuffle": True,
    "questions": [
        {
            "id": "contactless-standard",
            "type": "single",
            "prompt": "Which standard governs **contactless** cards?",
            "choices": [
                {"text": "ISO/IEC 14443", "correct": True},
                {
                    "text": "ISO/IEC 7816",
                    "correct": False,
                    "feedback": "That one covers chips read through contacts.",
                    "misconception": "contact-vs-contactless",
                },
                {"text": "ICAO 9303: {MRZ} = #1 ~ approx", "correct": False},
            ],
            "explanation": "ISO/IEC 14443 defines proximity cards.\n\nSee [@rfa-2019].",
            "source": "rfa-2019",
            "points": 2,
        },
        {
            "id": "remote-readable",
            "type": "multiple",
            "prompt": "Which data can a reader get *without* touching the card?\n\n1. Think of the chip.\n2. Then the"
            " printing.",
            "choices": [
                {"text": "The chip's UID", "correct": True, "feedback": "Sent before any authentication."},
                {"text": "The photo, after BAC", "correct": True},
                {"text": "The blood type printed on the back", "correct": True},
                {
                    "text": "The holder's fingerprints",
                    "correct": False,
                    "feedback": "Extended Access Control guards them.",
                },
                {"text": "%50% of the laminate", "correct": False},
            ],
        },
        {
            "id": "claim",
            "type": "true_false",
            "prompt": "A laminated paper card can be read from a distance.",
            "answer": False,
            "explanation": "Only a chip with an antenna can be.",
            "source": "https://example.org/paper-cards",
        },
        {
            "id": "validity",
            "type": "numeric",
            "prompt": "For how many years is the 2019 card valid?",
            "answer": 10,
            "tolerance": 0,
            "explanation": "Ten years, like the previous design.",
        },
        {
            "id": "pi-ish",
            "type": "numeric",
            "prompt": "A card is 85.6 mm wide. How wide, in cm?",
            "answer": 8.56,
            "tolerance": 0.05,
        },
        {
            "id": "field",
            "type": "short_text",
            "prompt": "Which medical field is printed on the back: C:\\card\\back?",
            "accept": ["blood type", "blood group", "%100% sure"],
            "explanation": "Printed as A, B, AB or O.",
        },
        {
            "id": "blank",
            "type": "single",
            "prompt": "The chip is read through the _____ interface.",
            "choices": [{"text": "contactless", "correct": True}, {"text": "contact", "correct": False}],
        },
    ],
}

ROUND_TRIP_FIELDS = ("id", "type", "prompt", "choices", "answer", "tolerance", "accept", "explanation")
LOST_IN_GIFT = ("source", "misconception", "points")


def gift_fields(question: dict) -> dict:
    """What GIFT can hold of a question: the rest is lost on export, by design."""
    kept = {key: question[key] for key in ROUND_TRIP_FIELDS if key in question}
    if "choices" in kept:
        kept["choices"] = [
            {key: value for key, value in choice.items() if key != "misconception"} for choice in kept["choices"]
        ]
    return kept


def test_round_trip_keeps_every_type():
    questions = parse_gift(export_gift(CARD_QUIZ))
    assert questions == [gift_fields(question) for question in CARD_QUIZ["questions"]]


@pytest.mark.parametrize("question", CARD_QUIZ["questions"], ids=lambda question: question["id"])
def test_round_trip_one_question(question):
    quiz = {**CARD_QUIZ, "questions": [question]}
    assert parse_gift(export_gift(quiz)) == [gift_fields(question)]


def test_round_trip_of_moodle_examples_is_stable():
    questions = parse_gift((GIFT_DATA / "moodle-examples.gift").read_text())
    again = parse_gift(export_gift({"slug": "grant", "title": "Grant's tomb", "questions": questions}))
    assert again == questions


def test_export_writes_moodle_gift():
    quiz = {**CARD_QUIZ, "questions": CARD_QUIZ["questions"][:4]}
    assert export_gift(quiz) == (
        "// Lanyard quiz card-technology-quiz: Card technology — check your understanding\n"
        "\n"
        "::contactless-standard::[markdown]Which standard governs **contactless** cards?{\n"
        "\t=ISO/IEC 14443\n"
        "\t~ISO/IEC 7816#That one covers chips read through contacts.\n"
        "\t~ICAO 9303\\: \\{MRZ\\} \\= \\#1 \\~ approx\n"
        "\t####ISO/IEC 14443 defines proximity cards.\\n\\nSee [@rfa-2019].\n"
        "}\n"
        "\n"
        "::remote-readable::[markdown]Which data can a reader get *without* touching the card?\\n\\n"
        "1. Think of the chip.\\n2. Then the printing.{\n"
        "\t~%33.33333%The chip's UID#Sent before any authentication.\n"
        "\t~%33.33333%The photo, after BAC\n"
        "\t~%33.33333%The blood type printed on the back\n"
        "\t~%-50%The holder's fingerprints#Extended Access Control guards them.\n"
        "\t~%-50%%50% of the laminate\n"
        "}\n"
        "\n"
        "::claim::[markdown]A laminated paper card can be read from a distance.{\n"
        "\tF\n"
        "\t####Only a chip with an antenna can be.\n"
        "}\n"
        "\n"
        "::validity::[markdown]For how many years is the 2019 card valid?{\n"
        "\t#10:0\n"
        "\t####Ten years, like the previous design.\n"
        "}\n"
    )


def test_export_leaves_out_what_gift_cannot_hold():
    gift = export_gift(CARD_QUIZ)
    for lost in ("contact-vs-contactless", "example.org", "pass_mark", "max_attempts"):
        assert lost not in gift


def test_export_gives_a_text_that_starts_like_a_weight_an_explicit_weight():
    gift = export_gift(CARD_QUIZ)
    assert "\t=%100%%100% sure\n" in gift
    assert "\t~%-50%%50% of the laminate\n" in gift


def test_export_refuses_a_type_gift_cannot_hold():
    quiz = {**CARD_QUIZ, "questions": [{"id": "order", "type": "ordering", "prompt": "Sort these."}]}
    with pytest.raises(ValueError, match="order"):
        export_gift(quiz)


# --- everything of Moodle's documentation -----------------------------------------------------------------------

DOCUMENTED = GIFT_DATA / "moodle-documented.gift"


def test_matching_with_a_distractor():
    [matching] = [q for q in parse_gift(DOCUMENTED.read_text()) if q["type"] == "matching"]
    assert matching == {
        "id": "matching",
        "title": "Matching",
        "type": "matching",
        "prompt": "Match the following countries with their corresponding capitals.",
        "pairs": [
            {"item": "Canada", "match": "Ottawa"},
            {"item": "Italy", "match": "Rome"},
            {"item": "Japan", "match": "Tokyo"},
            {"item": "India", "match": "New Delhi"},
        ],
        "distractors": ["Canberra"],
        "tags": ["Grant's tomb"],
    }


def test_essays_titles_of_any_characters_and_categories():
    questions = {q["id"]: q for q in parse_gift(DOCUMENTED.read_text())}
    assert questions["q8"] == {
        "id": "q8",
        "title": "Q8",
        "type": "essay",
        "prompt": "How are you?",
        "tags": ["Grant's tomb"],
    }
    assert questions["essay-1-draft"] == {
        "id": "essay-1-draft",
        "title": "Essay_1 (draft!)",
        "type": "essay",
        "prompt": "Write a short essay on Grant's tomb.",
        "explanation": "Graded by hand.",
        "tags": ["Grant's tomb"],
    }
    assert questions["range"]["answer"] == 3.1415 and questions["range"]["tolerance"] == 0.0005
    assert questions["listen"]["prompt"] == "Listen to [the recording](https://example.org/grant.mp3)\\."
    assert questions["listen"]["choices"][0] == {"text": "no one", "correct": True, "feedback": "**Right\\.**"}
    assert questions["listen"]["tags"] == ["Formats"]
    assert questions["plain"]["prompt"] == "What does 2\\*3 equal in \\*plain\\* text?"
    assert questions["plain"]["accept"] == ["6", "six"]


def test_documented_file_round_trips():
    questions = parse_gift(DOCUMENTED.read_text())
    assert parse_gift(export_gift({"slug": "grant", "title": "Grant", "questions": questions})) == questions


def test_long_titles_give_ids_that_fit():
    questions = parse_gift(f"::{'Über ' * 30}::A {{T}}\n\n::{'Über ' * 30}::B {{F}}")
    assert [len(q["id"]) <= 80 for q in questions] == [True, True]
    assert questions[1]["id"].endswith("-2") and questions[0]["title"] == " ".join(["Über"] * 30)


def test_read_gift_keeps_the_good_questions_and_lists_the_others():
    from course.content.gift import read_gift

    read = read_gift((GIFT_DATA / "unsupported.gift").read_text(), "unsupported.gift")
    assert [q["type"] for q in read.questions] == ["matching", "essay"]
    assert read.lines == [3, 9]
    assert [problem.line for problem in read.problems] == [11, 13, 15]


def test_export_skips_what_gift_cannot_hold_when_asked():
    quiz = {
        **CARD_QUIZ,
        "questions": [
            {"id": "order", "type": "ordering", "prompt": "Sort these.", "items": ["a", "b"]},
            CARD_QUIZ["questions"][2],
        ],
    }
    skipped: list[str] = []
    gift = export_gift(quiz, skipped)
    assert len(skipped) == 1 and "order" in skipped[0] and "// Not exported: question order" in gift
    assert [q["id"] for q in parse_gift(gift)] == ["claim"]


# --- the command line and the browser ---------------------------------------------------------------------------


def test_cli_skip_unsupported_imports_the_good_questions_and_lists_the_others(app, runner, sample_course):
    from course.extensions import db
    from course.models import Quiz

    path = str(GIFT_DATA / "unsupported.gift")
    result = runner.invoke(args=["gift", "import", path, "--quiz", "bank"])
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank")) is None  # all or nothing
    result = runner.invoke(args=["gift", "import", path, "--quiz", "bank", "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "2 questions added" in result.output
    for line in (11, 13, 15):
        assert f"{path}:{line}: " in result.output
    with app.app_context():
        quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "bank"))
        assert [(q.key, q.type) for q in quiz.questions] == [("q1", "matching"), ("essay", "essay")]


def test_cli_round_trip_through_the_database(app, runner, sample_course, tmp_path):
    first = tmp_path / "first.gift"
    assert runner.invoke(args=["gift", "import", str(DOCUMENTED), "--quiz", "bank"]).exit_code == 0
    assert runner.invoke(args=["gift", "export", "bank", str(first)]).exit_code == 0
    assert parse_gift(first.read_text()) == parse_gift(DOCUMENTED.read_text())
    assert runner.invoke(args=["gift", "import", str(first), "--quiz", "bank-2"]).exit_code == 0
    second = tmp_path / "second.gift"
    assert runner.invoke(args=["gift", "export", "bank-2", str(second)]).exit_code == 0
    assert second.read_text().split("\n", 1)[1] == first.read_text().split("\n", 1)[1]


def test_browser_skip_box_imports_the_good_questions_and_lists_the_others(app, client, auth, sample_course):
    import io

    from tests.test_transfer import as_owner

    as_owner(auth)
    data = (GIFT_DATA / "unsupported.gift").read_bytes()

    def upload(**extra):
        return client.post(
            "/transfer/courses/sample-course/questions",
            content_type="multipart/form-data",
            data={"quiz": "bank", "module": "", "bank_file": (io.BytesIO(data), "unsupported.gift"), **extra},
        )

    refused = upload()
    assert refused.status_code == 400 and "Nothing was imported" in refused.get_data(as_text=True)
    response = upload(skip_unsupported="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 questions added" in page
    for line in (11, 13, 15):
        assert f"unsupported.gift:{line}: " in page
