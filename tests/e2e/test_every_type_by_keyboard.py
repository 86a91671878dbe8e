"""A student takes a quiz holding every question type in Chromium with the keyboard alone (Tab, Space, arrow keys,
typing, Enter), submits it and reads the result: every automatically graded answer right, the essay awaiting its
mark. The attempt and result pages pass axe."""

from sqlalchemy import select

from course.content.gift import GiftRead
from course.content.gift_quiz import import_bank
from course.extensions import db
from course.models import Course
from tests.e2e.test_accessibility import AXE, RUN_AXE
from tests.e2e.test_student_journey import set_up_and_register_student

QUIZ = "every-type-quiz"
QUESTIONS = [
    {
        "id": "pick-one",
        "type": "single",
        "prompt": "Which standard covers contactless chips?",
        "choices": [{"text": "ISO/IEC 7816"}, {"text": "ISO/IEC 14443", "correct": True}, {"text": "ISO/IEC 7810"}],
    },
    {
        "id": "pick-some",
        "type": "multiple",
        "prompt": "Which are biometric?",
        "choices": [
            {"text": "Fingerprint", "correct": True, "credit": 60},
            {"text": "Blood type", "credit": -100},
            {"text": "Face image", "correct": True, "credit": 40},
        ],
    },
    {"id": "claim", "type": "true_false", "prompt": "A contactless chip must touch the reader.", "answer": False},
    {
        "id": "field",
        "type": "short_text",
        "prompt": "Which medical field do ID cards print?",
        "accept": ["blood type", "blood gr*"],
    },
    {"id": "years", "type": "numeric", "prompt": "For how many years is the card valid?", "answer": 10, "tolerance": 0},
    {
        "id": "standards",
        "type": "matching",
        "prompt": "Match each standard with what it covers.",
        "pairs": [{"item": "ISO/IEC 14443", "match": "radio"}, {"item": "ISO/IEC 7816", "match": "contacts"}],
        "distractors": ["barcodes"],
    },
    {
        "id": "steps",
        "type": "ordering",
        "prompt": "Put the steps in order.",
        "items": ["Apply", "Enrol fingerprints", "Print the card"],
    },
    {
        "id": "card-size",
        "type": "fill_blanks",
        "prompt": "An ID-1 card is [[1]] mm wide and made of [[2]].",
        "blanks": [{"answer": 85.6, "tolerance": 0.1}, {"accept": ["plastic"]}],
    },
    {"id": "argue", "type": "essay", "prompt": "Argue for or against a chip in an ID card."},
]


def add_quiz(app) -> None:
    """The quiz, published in the first module, written through the same import path a question bank takes."""
    read = GiftRead(questions=QUESTIONS, lines=list(range(1, len(QUESTIONS) + 1)), categories=[""] * len(QUESTIONS))
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "chip-paper-state"))
        done = import_bank(lambda data, path: read, b"", "every-type", course, QUIZ, "what-id-is-for")
        done.quizzes[0].quiz.published = True
        db.session.commit()


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with this id has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def focused(page, script: str):
    return page.evaluate(f"() => {{ const element = document.activeElement; return {script}; }}")


def label_of_focus(page) -> str:
    return focused(page, "document.querySelector(`label[for='${element.id}']`).innerText.trim()")


def choose_radio(page, first_id: str, label: str) -> None:
    """Tab into the group, Space to check, arrow keys to the wanted answer (arrows move and check)."""
    tab_to(page, first_id)
    page.keyboard.press("Space")
    for _ in range(10):
        if label_of_focus(page) == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio labelled {label!r}")


def choose_option(page, select_id: str, option: str) -> None:
    """Arrow keys through a closed select until the wanted option is chosen."""
    tab_to(page, select_id)
    for _ in range(12):
        if focused(page, "element.selectedOptions[0].text.trim()") == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {option!r} in #{select_id}")


def type_into(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def item_selects(page, question_id: str) -> dict[str, str]:
    """Each item's select id by the item's text (the items are shown in a shuffled order)."""
    return page.evaluate(
        """(id) => Object.fromEntries([...document.querySelectorAll(`#question-${id} .select-row`)]
             .map(row => [row.querySelector('label').innerText.trim(), row.querySelector('select').id]))""",
        question_id,
    )


def axe_findings(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


def test_a_quiz_with_every_type_is_taken_by_keyboard(page, live_app, live_server):
    add_quiz(live_app)
    set_up_and_register_student(page)
    page.goto(f"/courses/chip-paper-state/quizzes/{QUIZ}")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#question-pick-one")
    assert axe_findings(page) == []

    def inputs(question_id: str) -> list[str]:
        return page.evaluate(
            "(id) => [...document.querySelectorAll(`#question-${id} input, #question-${id} select, "
            "#question-${id} textarea`)].map(e => e.id)",
            question_id,
        )

    choose_radio(page, inputs("pick-one")[0], "ISO/IEC 14443")
    for checkbox in inputs("pick-some"):
        tab_to(page, checkbox)
        if label_of_focus(page) in ("Fingerprint", "Face image"):
            page.keyboard.press("Space")
    choose_radio(page, inputs("claim")[0], "False")
    type_into(page, inputs("field")[0], "Blood Group")
    type_into(page, inputs("years")[0], "10")
    selects = item_selects(page, "standards")
    choose_option(page, selects["ISO/IEC 14443"], "radio")
    choose_option(page, selects["ISO/IEC 7816"], "contacts")
    selects = item_selects(page, "steps")
    for position, item in enumerate(["Apply", "Enrol fingerprints", "Print the card"], start=1):
        choose_option(page, selects[item], str(position))
    first_blank, second_blank = inputs("card-size")
    type_into(page, first_blank, "85.6")
    type_into(page, second_blank, "plastic")
    type_into(page, inputs("argue")[0], "A chip can be read at a distance without the holder knowing.")

    tab_to(
        page,
        page.evaluate("""() => { const button = [...document.querySelectorAll('button')]
        .find(b => b.innerText.includes('Submit for grading')); button.id = button.id || 'submit-quiz';
        return button.id; }"""),
    )
    page.keyboard.press("Enter")
    page.wait_for_selector(".result")

    assert "Awaiting grading" in page.locator(".result").inner_text()
    assert "Points so far: 8 of 9" in page.locator(".result").inner_text()
    verdicts = page.locator(".question-result .verdict").all_inner_texts()
    assert verdicts == ["Correct"] * 8 + ["Awaiting grading"]
    assert axe_findings(page) == []
