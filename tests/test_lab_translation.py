"""The ID Design Lab in other languages: its English YAML texts are gettext msgids that a Babel extractor finds
(babel.cfg), the lab is looked up per language without changing what it computes, and a Korean reader sees the
lab's labels and rule explanations in Korean."""

import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from course.extensions import db
from course.lab import engine
from course.lab.catalogue import extract_lab_yaml, lab_text, localize, localized_lab
from course.models import LabSubmission
from tests.dom import parse
from tests.test_translations import CATALOGUE, extracted_messages

LAB_DIR = Path(engine.__file__).resolve().parent
LAB = engine.get_lab()
TASK = "no-remote-read"


def yaml_texts() -> dict[str, str]:
    """Every text the extractor yields from the lab's YAML, with where it comes from."""
    found = {}
    for path in sorted(LAB_DIR.glob("*.yaml")):
        with open(path, "rb") as fileobj:
            for lineno, funcname, text, comments in extract_lab_yaml(fileobj, (), (), {}):
                assert funcname is None and comments and isinstance(lineno, int)
                found.setdefault(text, f"{path.name}:{lineno} ({comments[0]})")
    return found


def lab_texts(lab: engine.Lab) -> set[str]:
    """Every text a student reads in a loaded lab (what the YAML says; the validity years are written by code)."""
    texts: set[str] = set()
    for section in lab.sections:
        texts |= {section.title, section.explanation}
    for option in lab.options.values():
        texts |= {option.label, option.explanation}
        if option.kind != "validity":
            for choice in option.choices:
                texts |= {choice.label, choice.explanation, choice.requires_message}
    texts |= {level.label for level in lab.levels}
    for dimension in lab.dimensions:
        texts |= {dimension.label, dimension.question}
    for rule in lab.rules:
        texts |= {rule.message, rule.rationale}
    for preset in lab.presets.values():
        texts |= {preset.title, preset.summary, *preset.assumptions.values(), *(s.title for s in preset.sources)}
    for task in lab.tasks.values():
        texts |= {task.title, task.prompt, *(check.says for check in task.checks)}
    return texts - {""}


def test_the_extractor_yields_exactly_the_texts_the_lab_shows():
    """Nothing a student reads is missed, and nothing that is not shown (keys, values, slugs, URLs) is extracted."""
    extracted = set(yaml_texts())
    shown = lab_texts(LAB)
    assert shown - extracted == set(), "shown but not extracted"
    assert extracted - shown == set(), "extracted but never shown"
    assert not any(re.match(r"^https?://|^[a-z0-9_.-]+$", text) for text in extracted)


def test_the_extractor_comments_say_where_a_text_comes_from():
    where = yaml_texts()
    rule = LAB.rules[0]
    assert f"rules[{rule.id}].message" in where[rule.message]
    assert "options.yaml" in where[LAB.options["body"].label]


def test_babel_cfg_makes_pybabel_extract_the_lab_yaml():
    """tests/test_translations.py reads babel.cfg, so its catalogue checks cover the lab's texts too."""
    messages = extracted_messages()
    for text in (LAB.rules[0].message, LAB.options["chip"].label, LAB.tasks[TASK].title):
        assert text in messages
    assert messages[LAB.rules[0].rationale][0].endswith("rules.yaml")


def test_every_lab_text_has_a_korean_translation():
    """Fails until the Korean fragment for the lab is merged into the catalogue (docs/translating.md)."""
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po, locale="ko")
    problems = []
    for text, where in sorted(yaml_texts().items(), key=lambda item: item[1]):
        entry = catalogue.get(text)
        if entry is None or not entry.string or entry.fuzzy:
            problems.append(f"{where}: {text[:70]!r}")
    assert not problems, f"{len(problems)} lab texts lack Korean:\n" + "\n".join(problems)


# --- looking the texts up ------------------------------------------------------------------------------------------


def shout(text: str) -> str:
    return f"«{text.upper()}»"


def shout_plural(singular: str, plural: str, num: int, **variables) -> str:
    return shout((singular if num == 1 else plural) % {"num": num, **variables})


def test_localize_translates_every_text_and_keeps_every_key_and_value():
    loud = localize(LAB, shout, shout_plural)
    assert lab_texts(loud).isdisjoint(lab_texts(LAB))
    assert all(text.startswith("«") for text in lab_texts(loud))
    assert list(loud.options) == list(LAB.options)
    for key, option in LAB.options.items():
        assert loud.options[key].values == option.values
        assert loud.options[key].sensitive == option.sensitive
    assert loud.options["validity_years"].describe(1) == "«1 YEAR»"
    assert loud.options["validity_years"].describe(5) == "«5 YEARS»"
    assert [r.id for r in loud.rules] == [r.id for r in LAB.rules]
    assert [r.condition for r in loud.rules] == [r.condition for r in LAB.rules]
    assert [s.url for p in loud.presets.values() for s in p.sources] == [
        s.url for p in LAB.presets.values() for s in p.sources
    ]


@pytest.mark.parametrize("slug", sorted(LAB.presets))
def test_a_translated_lab_grades_and_explains_exactly_as_the_english_one(slug):
    loud = localize(LAB, shout, shout_plural)
    design = engine.preset_design(slug)
    english, translated = engine.explain(design, lab=LAB), engine.explain(design, lab=loud)
    assert english.levels() == translated.levels() and english.fired_ids == translated.fired_ids
    for task in LAB.tasks:
        assert [ok for _check, ok in engine.check_task(task, design, lab=LAB).checks] == [
            ok for _check, ok in engine.check_task(task, design, lab=loud).checks
        ]
    parsed, errors = engine.parse_design(engine.design_to_form(design), lab=loud)
    assert parsed == design and errors == {}


def test_a_lab_object_is_built_once_per_language(app):
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        assert localized_lab() is localized_lab()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert localized_lab() is LAB
    assert localized_lab() is LAB  # outside a request: English


def test_text_the_catalogue_does_not_know_is_shown_as_it_was_stored(app):
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        assert lab_text("A check since removed from tasks.yaml.") == "A check since removed from tasks.yaml."
        assert lab_text("") == ""


# --- the lab in Korean ---------------------------------------------------------------------------------------------

KOREAN = re.compile(r"[\uac00-\ud7a3]")


def korean_lab_page(client, path="/lab?preset=nk-2019"):
    response = client.get(path, headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_lab_in_korean_shows_korean_option_labels_and_rule_explanations(client, auth):
    auth.create("someone")  # past first-run setup
    page = korean_lab_page(client)
    assert '<html lang="ko"' in page
    with client.application.test_request_context(headers={"Accept-Language": "ko"}):
        korean = localized_lab()
    body, rule = korean.options["body"], next(r for r in korean.rules if r.id == "blood-type-printed")
    # The catalogue's Korean, not the English msgid, for an option, its choices and a fired rule's explanation.
    assert KOREAN.search(body.label) and KOREAN.search(rule.message) and KOREAN.search(rule.rationale)
    assert f"<legend>{body.label}</legend>" in page
    assert body.choices[0].label in page
    assert rule.message in page and rule.rationale in page
    assert "Card body" not in page and LAB.rules[0].message not in page
    assert "카드 재질" in page and "혈액형이 신분증에 인쇄되어 있어서" in page


def test_the_lab_in_korean_draws_a_korean_card_and_keeps_the_machine_readable_zone(client, auth):
    auth.create("someone")
    page = korean_lab_page(client, "/lab?preset=de-eid")
    assert "신분증 앞면" in page and "IDXMP&lt;4821773019" in page


def test_the_lab_in_english_is_unchanged(client, auth):
    auth.create("someone")
    page = client.get("/lab?preset=nk-2019", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<legend>Card body</legend>" in page and LAB.rules[0].message in page
    assert not KOREAN.search(parse(page).one("main").text)


def test_korean_form_errors_name_the_option_in_korean(client, auth):
    auth.create("someone")
    form = engine.design_to_form(engine.preset_design("minimal"))
    form["chip_access"] = "pace"  # needs a chip, and the minimal design has none
    response = client.post("/lab", data=form, headers={"Accept-Language": "ko"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    with client.application.test_request_context(headers={"Accept-Language": "ko"}):
        label = localized_lab().options["chip_access"].label
    assert f"{label}: " in page and "Access control protects a chip" not in page


def test_a_submission_keeps_its_checks_in_english_and_shows_them_in_the_readers_language(app, client, auth):
    auth.as_role("student", "minjun")
    form = engine.design_to_form(engine.preset_design("nk-2019"))
    response = client.post(f"/lab/tasks/{TASK}/submit", data=form, headers={"Accept-Language": "ko"})
    assert response.status_code == 302
    with app.app_context():
        submission = db.session.scalars(select(LabSubmission)).one()
        stored = [check["says"] for check in submission.checks]
    assert stored == [check.says for check in LAB.tasks[TASK].checks]
    page = client.get(response.headers["Location"], headers={"Accept-Language": "ko"}).get_data(as_text=True)
    as_graded = parse(page).first("section.lab-submission.card").text
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        korean_checks = [check.says for check in localized_lab().tasks[TASK].checks]
    assert all(says in as_graded for says in korean_checks)
    assert not any(says in as_graded for says in stored)


TEXT_FIELDS = {"label", "explanation", "title", "message", "rationale", "question", "summary", "prompt", "says"}
TEXT_FIELDS |= {"requires_message"}


def test_every_lab_dataclass_text_field_is_localized():
    """A new text field added to the engine's dataclasses must be added to catalogue.localize too."""
    loud = localize(LAB, shout, shout_plural)
    seen = set()

    def walk(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if is_dataclass(value):
            for f in fields(value):
                inner = getattr(value, f.name)
                if isinstance(inner, str) and f.name in TEXT_FIELDS:
                    assert inner == "" or inner.startswith("«"), f"{type(value).__name__}.{f.name}: {inner[:40]!r}"
                else:
                    walk(inner)
        elif isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner)

    walk(loud)
