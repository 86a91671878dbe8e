"""The ID Design Lab engine as pure functions: data files, rules, presets, tasks, bad input and the SVG drawings."""

import random
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from course.lab import drawing, engine
from course.lab.engine import LabDataError, check_task, compare, design_to_form, evaluate, parse_design, profile

ROOT = Path(__file__).resolve().parents[1]
LAB = engine.get_lab()
SENSITIVE = ("marital_status", "blood_type", "ethnicity", "religion", "fingerprints")


def preset(slug, **changes):
    """A preset's design with some options changed (data fields given as fields__name=...)."""
    design = engine.preset_design(slug)
    for key, value in changes.items():
        design[key.replace("__", ".")] = value
    parsed, errors = parse_design(design_to_form(design))
    assert not errors, errors
    return parsed


def fired(design):
    return profile(design).fired_ids


# --- the data files -----------------------------------------------------------------------------------------------


def known_lesson_slugs():
    """Module slugs from course.yaml and lesson slugs from every lesson's front matter."""
    course = yaml.safe_load((ROOT / "lessons" / "course.yaml").read_text(encoding="utf-8"))
    slugs = {m["slug"] for m in course["modules"]}
    for path in (ROOT / "lessons").glob("[0-9]*-*/*.md"):
        match = re.search(r"^slug:\s*([a-z0-9-]+)\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            slugs.add(match.group(1))
    return slugs


def test_bundled_lab_data_loads_and_covers_the_issue():
    assert {o.key for o in LAB.options.values() if not o.is_field} >= {
        "body",
        "photo_attachment",
        "security_printing",
        "chip",
        "chip_access",
        "chip_auth",
        "number_scheme",
        "registry",
        "agency_linkage",
        "validity_years",
        "collection_in_person",
        "renewal_consequence",
        "verification",
    }
    assert set(LAB.field_names) == {
        "name",
        "date_of_birth",
        "gender",
        "marital_status",
        "blood_type",
        "nationality",
        "ethnicity",
        "religion",
        "address",
        "photo",
        "fingerprints",
        "personal_number",
    }
    assert LAB.options["chip_access"].values == ("none", "bac", "pace")
    assert LAB.options["fields.blood_type"].values == ("printed", "chip", "registry", "not_collected")
    assert {d.key for d in LAB.dimensions} == {
        "sensitive_exposure",
        "remote_readability",
        "cloning_forgery",
        "linkability",
        "enumeration",
        "exclusion",
    }
    assert set(LAB.presets) == {"nk-laminated", "nk-2019", "de-eid", "ee-id", "in-aadhaar", "eu-2019-1157", "minimal"}
    assert {"no-remote-read", "minimal-fields"} <= set(LAB.tasks)


def test_every_option_rule_and_task_explains_itself_and_links_a_lesson_that_exists():
    slugs = known_lesson_slugs()
    for option in LAB.options.values():
        assert option.explanation and option.lesson in slugs, option.key
    for dimension in LAB.dimensions:
        assert dimension.lesson in slugs, dimension.key
    for rule in LAB.rules:
        assert rule.message and rule.rationale and rule.source.startswith("http"), rule.id
        assert rule.lesson in slugs, rule.id
    for task in LAB.tasks.values():
        assert task.lesson in slugs, task.slug


def test_every_lab_block_in_the_bundled_lessons_names_a_preset_and_task_the_lab_has():
    fence = re.compile(r"^\s*(?:```|~~~)\s*lab\b(.*)$", re.MULTILINE)
    blocks = []
    for path in sorted((ROOT / "lessons").glob("[0-9]*-*/*.md")):
        for info in fence.findall(path.read_text(encoding="utf-8")):
            params = dict(re.findall(r"(\w+)=(\S+)", info))
            blocks.append((path.name, params))
            assert params.get("preset", "minimal") in LAB.presets, (path.name, params)
            assert params.get("task", "no-remote-read") in LAB.tasks, (path.name, params)
            if "task" in params and "preset" in params:
                assert LAB.tasks[params["task"]].preset == params["preset"], (path.name, params)
    assert blocks, "module 6 embeds the lab"


def test_every_preset_is_sourced_from_facts_and_notes_only_real_options():
    facts = ROOT.parent / "shared" / "FACTS.md"
    facts_text = facts.read_text(encoding="utf-8") if facts.exists() else None
    for p in LAB.presets.values():
        assert p.sources, p.slug
        for source in p.sources:
            if facts_text is not None:
                assert source.url in facts_text, (p.slug, source.url)
        assert set(p.assumptions) <= set(LAB.options), p.slug


# --- conditions and levels ----------------------------------------------------------------------------------------


def test_condition_forms():
    d = preset("nk-2019")
    assert evaluate({"field": "chip", "is": "contactless"}, d)
    assert not evaluate({"field": "chip", "is": "contact"}, d)
    assert evaluate({"field": "chip", "in": ["contact", "contactless"]}, d)
    assert evaluate({"field": "verification", "contains": "visual"}, d)
    assert not evaluate({"field": "verification", "contains": "online"}, d)
    assert evaluate({"field": "validity_years", "lte": 8}, d)
    assert not evaluate({"field": "validity_years", "lt": 8}, d)
    assert evaluate({"field": "validity_years", "gte": 8}, d) and not evaluate({"field": "validity_years", "gt": 8}, d)
    assert evaluate({"any_field": "sensitive", "is": "printed"}, d)
    assert not evaluate({"every_field": "sensitive", "is": "printed"}, d)
    assert evaluate({"every_field": ["ethnicity", "religion"], "is": "not_collected"}, d)
    assert evaluate(
        {"all": [{"field": "chip", "is": "contactless"}, {"not": {"field": "chip_access", "is": "pace"}}]}, d
    )
    assert evaluate({"any": [{"field": "chip", "is": "none"}, {"field": "registry", "is": "central"}]}, d)


def test_no_expiry_matches_no_number_comparison():
    d = preset("in-aadhaar")
    assert d["validity_years"] == engine.NO_EXPIRY
    for test in ("lt", "lte", "gt", "gte"):
        assert not evaluate({"field": "validity_years", test: 10}, d)
    assert evaluate({"field": "validity_years", "is": "none"}, d)


def test_levels_follow_the_thresholds_in_rules_yaml():
    thresholds = {lv.key: lv.min_points for lv in LAB.levels}
    assert thresholds == {"none": 0, "low": 1, "medium": 3, "high": 5}
    assert [LAB.level_for(p).key for p in (0, 1, 2, 3, 4, 5, 12)] == [
        "none",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    for d in (preset(s) for s in LAB.presets):
        for result in profile(d).dimensions:
            assert result.points == sum(r.points for r in result.rules)
            assert result.level == LAB.level_for(result.points)


# --- each rule fires exactly when its condition holds ---------------------------------------------------------------


# An independent statement of every rule in rules.yaml, written from its message, so a wrong condition in the data
# file (or a wrong evaluator) shows up as a disagreement.
def f(d, name):
    return d[f"fields.{name}"]


def sensitive_on_card(d):
    return any(f(d, n) in ("printed", "chip") for n in SENSITIVE)


ORACLES = {
    "blood-type-printed": lambda d: f(d, "blood_type") == "printed",
    "marital-status-printed": lambda d: f(d, "marital_status") == "printed",
    "ethnicity-printed": lambda d: f(d, "ethnicity") == "printed",
    "religion-printed": lambda d: f(d, "religion") == "printed",
    "ethnicity-or-religion-recorded": lambda d: (
        f(d, "ethnicity") != "not_collected" or f(d, "religion") != "not_collected"
    ),
    "fingerprints-printed": lambda d: f(d, "fingerprints") == "printed",
    "fingerprints-central": lambda d: f(d, "fingerprints") in ("printed", "registry") and d["registry"] == "central",
    "meaningful-number": lambda d: (
        f(d, "personal_number") in ("printed", "chip") and d["number_scheme"] == "meaningful"
    ),
    "contactless-open": lambda d: d["chip"] == "contactless" and d["chip_access"] == "none",
    "contactless-open-sensitive": lambda d: (
        d["chip"] == "contactless" and d["chip_access"] == "none" and sensitive_on_card(d)
    ),
    "contactless-bac": lambda d: d["chip"] == "contactless" and d["chip_access"] == "bac",
    "laminated-paper": lambda d: d["body"] == "laminated_paper",
    "pvc-body": lambda d: d["body"] == "pvc",
    "pasted-photo": lambda d: f(d, "photo") == "printed" and d["photo_attachment"] == "pasted",
    "no-security-printing": lambda d: d["security_printing"] == "no",
    "chip-unsigned": lambda d: d["chip"] != "none" and d["chip_auth"] == "none",
    "chip-cloneable": lambda d: d["chip"] != "none" and d["chip_auth"] == "passive",
    "visual-check-only": lambda d: d["verification"] == ("visual",),
    "no-expiry-stale-photo": lambda d: d["validity_years"] == "none",
    "central-registry": lambda d: d["registry"] == "central",
    "central-registry-linked": lambda d: d["registry"] == "central" and d["agency_linkage"] == "yes",
    "local-registry-linked": lambda d: d["registry"] == "local" and d["agency_linkage"] == "yes",
    "shared-personal-number": lambda d: f(d, "personal_number") != "not_collected" and d["agency_linkage"] == "yes",
    "online-check-logged": lambda d: "online" in d["verification"] and d["registry"] == "central",
    "reissue-as-census": lambda d: (
        d["collection_in_person"] == "yes"
        and d["registry"] == "central"
        and isinstance(d["validity_years"], int)
        and d["validity_years"] <= 10
    ),
    "missing-treated-as-suspect": lambda d: d["renewal_consequence"] == "treated_as_suspect",
    "in-person-collection": lambda d: d["collection_in_person"] == "yes",
    "fine-for-not-renewing": lambda d: d["renewal_consequence"] == "fine",
    "services-cut-off": lambda d: d["renewal_consequence"] in ("loss_of_services", "treated_as_suspect"),
    "online-only-check": lambda d: d["verification"] == ("online",),
    "online-biometric-check": lambda d: (
        "online" in d["verification"] and f(d, "fingerprints") in ("printed", "registry")
    ),
    "short-validity-in-person": lambda d: (
        d["collection_in_person"] == "yes" and isinstance(d["validity_years"], int) and d["validity_years"] <= 5
    ),
}


def random_designs(count, seed=20191116):
    """Valid designs drawn at random (choices that contradict each other are redrawn), plus every preset."""
    rng = random.Random(seed)
    designs = [preset(slug) for slug in LAB.presets]
    while len(designs) < count:
        form = {}
        for option in LAB.options.values():
            if option.kind == "multi":
                form[option.key] = [v for v in option.values if rng.random() < 0.5] or [rng.choice(option.values)]
            else:
                form[option.key] = rng.choice(option.values)
        design, errors = parse_design(form)
        if design is not None:
            designs.append(design)
    return designs


def test_every_rule_has_an_independent_oracle():
    assert set(ORACLES) == {rule.id for rule in LAB.rules}


def test_each_rule_fires_exactly_when_its_condition_holds():
    designs = random_designs(1500)
    seen_fire = dict.fromkeys(ORACLES, 0)
    seen_quiet = dict.fromkeys(ORACLES, 0)
    for design in designs:
        ids = fired(design)
        for rule_id, oracle in ORACLES.items():
            expected = oracle(design)
            assert (rule_id in ids) == expected, (rule_id, design)
            seen_fire[rule_id] += expected
            seen_quiet[rule_id] += not expected
    # The sample is only evidence if every rule was seen both firing and not firing.
    assert all(seen_fire.values()), seen_fire
    assert all(seen_quiet.values()), seen_quiet


@pytest.mark.parametrize("chip", ["none", "contact", "contactless"])
@pytest.mark.parametrize("access", ["none", "bac", "pace"])
@pytest.mark.parametrize("blood", ["printed", "chip", "registry", "not_collected"])
def test_remote_readability_over_every_chip_access_and_field_state(chip, access, blood):
    form = design_to_form(preset("minimal", registry="local"))
    form.update({"chip": chip, "chip_access": access, "fields.blood_type": blood})
    design, errors = parse_design(form)
    if chip == "none" and (access != "none" or blood == "chip"):
        assert design is None and errors  # a chip setting without a chip is refused, not silently ignored
        return
    ids = fired(design)
    assert ("contactless-open" in ids) == (chip == "contactless" and access == "none")
    assert ("contactless-open-sensitive" in ids) == (
        chip == "contactless" and access == "none" and blood in ("printed", "chip")
    )
    assert ("contactless-bac" in ids) == (chip == "contactless" and access == "bac")
    expected = (
        "none"
        if chip != "contactless" or access == "pace"
        else ("high" if access == "none" and blood in ("printed", "chip") else "medium" if access == "none" else "low")
    )
    assert profile(design).level("remote_readability").key == expected


def test_a_fired_rule_is_listed_under_its_dimension_with_its_sentence_and_source():
    p = profile(preset("nk-2019"))
    remote = p.result("remote_readability")
    assert [r.id for r in remote.rules] == ["contactless-open", "contactless-open-sensitive"]
    assert "reader nearby" in remote.rules[0].message
    data = p.as_dict()
    assert data["remote_readability"]["level"] == "high"
    assert data["remote_readability"]["rules"][0]["source"].startswith("http")


# --- presets match their sources ----------------------------------------------------------------------------------


def test_nk_2019_flags_its_printed_blood_type_and_marital_status_and_its_census_reissue():
    d = preset("nk-2019")
    ids = fired(d)
    assert {"blood-type-printed", "marital-status-printed"} <= ids  # reported field list (RFA/AMN citing Daily NK)
    assert d["validity_years"] == 8 and "reissue-as-census" in ids  # "reissued every eight years"
    assert "missing-treated-as-suspect" in ids  # sources' suspicion: no new card = defector
    assert "laminated-paper" not in ids and "pasted-photo" not in ids  # plastic with a printed photo
    levels = profile(d).levels()
    assert levels["sensitive_exposure"] == "high"
    assert levels["enumeration"] == "high"
    assert "chip" in LAB.presets["nk-2019"].assumptions  # contactless is our assumption and says so


def test_nk_laminated_is_forgeable_paper_without_a_chip():
    d = preset("nk-laminated")
    ids = fired(d)
    assert {"laminated-paper", "pasted-photo"} <= ids
    p = profile(d)
    assert p.level("cloning_forgery").key == "high"
    assert p.level("remote_readability").key == "none"


def test_de_eid_has_pace_and_no_remote_readability_risk():
    d = preset("de-eid")
    assert d["chip"] == "contactless" and d["chip_access"] == "pace"
    p = profile(d)
    assert p.level("remote_readability").key == "none"
    assert p.level("cloning_forgery").key == "none"
    assert d["fields.fingerprints"] == "chip"  # only on the chip since 2021, no central copy
    assert "fingerprints-central" not in p.fired_ids
    assert p.level("enumeration").key == "none"


def test_ee_id_is_a_contact_card_with_a_central_population_register():
    d = preset("ee-id")
    p = profile(d)
    assert d["chip"] == "contact" and d["validity_years"] == 5
    assert p.level("remote_readability").key == "none"
    assert "central-registry" in p.fired_ids


def test_aadhaar_collects_no_religion_but_centralises_biometrics_and_excluded_people():
    d = preset("in-aadhaar")
    p = profile(d)
    assert d["number_scheme"] == "random"
    assert f(d, "ethnicity") == f(d, "religion") == "not_collected"  # UIDAI: no caste or religion
    assert "ethnicity-or-religion-recorded" not in p.fired_ids
    assert {"fingerprints-central", "services-cut-off", "online-biometric-check"} <= p.fired_ids
    assert p.level("exclusion").key in ("medium", "high")
    assert p.level("linkability").key == "high"


def test_eu_card_keeps_fingerprints_on_a_pace_protected_chip():
    d = preset("eu-2019-1157")
    p = profile(d)
    assert f(d, "fingerprints") == "chip" and d["chip_access"] == "pace"
    assert 5 <= d["validity_years"] <= 10
    for dimension in ("sensitive_exposure", "remote_readability", "cloning_forgery", "linkability", "enumeration"):
        assert p.level(dimension).key == "none", dimension


def test_minimal_collects_nothing_sensitive():
    p = profile(preset("minimal"))
    assert p.level("sensitive_exposure").key == "none"
    assert p.level("linkability").key == "none"


def test_compare_lists_profiles_in_order_and_the_options_that_differ():
    comparison = compare([("2019", preset("nk-2019")), ("Germany", preset("de-eid"))])
    assert comparison.labels == ("2019", "Germany")
    rows = dict((d.key, [r.level.key for r in results]) for d, results in comparison.rows())
    assert rows["remote_readability"] == ["high", "none"]
    differing = {o.key for o in comparison.differing_options}
    assert {"chip_access", "body", "fields.blood_type"} <= differing
    assert "fields.name" not in differing
    assert compare({"a": preset("minimal")}).labels == ("a",)


# --- tasks --------------------------------------------------------------------------------------------------------


def test_no_remote_read_fails_on_the_2019_design_and_passes_when_fixed():
    start = preset("nk-2019")
    assert not check_task("no-remote-read", start).passed
    fixed = preset("nk-2019", chip_access="pace", chip_auth="passive", verification=("visual", "offline_chip"))
    result = check_task("no-remote-read", fixed)
    assert result.passed, [(c.says, ok) for c, ok in result.checks]
    # A contact chip also stops reading at a distance.
    assert check_task(
        "no-remote-read", preset("nk-2019", chip="contact", chip_auth="active", verification=("offline_chip",))
    ).passed


def test_no_remote_read_is_not_fooled_by_bac_or_by_dropping_the_chip_check():
    bac = preset("nk-2019", chip_access="bac", chip_auth="active", verification=("visual", "offline_chip"))
    assert [ok for _, ok in check_task("no-remote-read", bac).checks] == [False, True, True]
    no_offline = preset("nk-2019", chip_access="pace", chip_auth="active")
    assert [ok for _, ok in check_task("no-remote-read", no_offline).checks] == [True, False, True]
    unsigned = preset("nk-2019", chip_access="pace", verification=("offline_chip",))
    assert [ok for _, ok in check_task("no-remote-read", unsigned).checks] == [True, True, False]
    # Taking every sensitive field off the open chip also answers the first check.
    moved = preset(
        "nk-2019",
        fields__blood_type="registry",
        fields__marital_status="not_collected",
        chip_auth="passive",
        verification=("offline_chip",),
    )
    assert check_task("no-remote-read", moved).passed


def test_minimal_fields_task():
    assert not check_task("minimal-fields", preset("nk-2019")).passed
    assert check_task("minimal-fields", preset("minimal")).passed
    trimmed = preset("nk-2019", fields__blood_type="not_collected", fields__marital_status="not_collected")
    assert check_task("minimal-fields", trimmed).passed
    stored = preset("nk-2019", fields__blood_type="registry", fields__marital_status="not_collected")
    checks = [ok for _, ok in check_task("minimal-fields", stored).checks]
    assert checks == [True, True, False, True]  # not printed, but still collected
    faceless = preset("minimal", fields__photo="not_collected")
    assert not check_task("minimal-fields", faceless).checks[0][1]


def test_task_checks_can_test_dimension_levels():
    task = LAB.tasks["renewal-without-census"]
    assert not check_task(task, preset("nk-2019")).passed
    gentle = preset("nk-2019", collection_in_person="no", renewal_consequence="none")
    assert check_task(task, gentle).passed
    assert not check_task(
        task, preset("nk-2019", collection_in_person="no", renewal_consequence="none", validity_years="none")
    ).passed


def test_every_task_starts_unsolved_from_its_preset():
    for task in LAB.tasks.values():
        assert not check_task(task, preset(task.preset)).passed, task.slug


# --- bad input from a form ----------------------------------------------------------------------------------------


def good_form():
    return design_to_form(preset("nk-2019"))


def test_a_good_form_round_trips():
    design, errors = parse_design({**good_form(), "csrf_token": "x", "preset": "nk-2019"})
    assert errors == {} and design == preset("nk-2019")


def test_a_flood_of_unknown_keys_reports_only_the_first_few():
    design, errors = parse_design({**good_form(), **{f"x{i}": "1" for i in range(500)}})
    assert design is None and len(errors) == engine.MAX_REPORTED_UNKNOWN


def test_unknown_option_is_refused_at_its_name():
    design, errors = parse_design({**good_form(), "fields.hair_colour": "printed"})
    assert design is None
    assert "fields.hair_colour" in errors and "not an option" in errors["fields.hair_colour"]


@pytest.mark.parametrize(
    "value, words",
    [
        ("0", "between 1 and 30"),
        ("31", "between 1 and 30"),
        ("100", "between 1 and 30"),
        ("-1", "whole number"),
        ("8.5", "whole number"),
        ("abc", "whole number"),
        ("", "Choose a value"),
        ("\u0663", "whole number"),  # an Arabic-Indic digit three is not accepted as 3
    ],
)
def test_validity_out_of_range_or_not_a_number(value, words):
    design, errors = parse_design({**good_form(), "validity_years": value})
    assert design is None and words in errors["validity_years"]


@pytest.mark.parametrize(
    "key, value",
    [
        ("chip", "laser"),
        ("chip_access", "PACE"),
        ("fields.blood_type", "tattooed"),
        ("verification", ["visual", "dna"]),
        ("body", "<script>alert(1)</script>"),
    ],
)
def test_tampered_values_are_refused_with_a_field_message(key, value):
    design, errors = parse_design({**good_form(), key: value})
    assert design is None and set(errors) == {key}
    assert "is not a choice" in errors[key]


def test_a_value_sent_twice_or_missing_is_refused():
    from werkzeug.datastructures import MultiDict

    form = MultiDict(list(good_form().items()))
    form.add("chip", "contact")
    design, errors = parse_design(form)
    assert design is None and "more than once" in errors["chip"]
    missing = good_form()
    del missing["registry"]
    assert "Choose a value" in parse_design(missing)[1]["registry"]
    assert "at least one" in parse_design({**good_form(), "verification": []})[1]["verification"]


def test_a_multidict_with_several_verification_values_parses():
    from werkzeug.datastructures import MultiDict

    items = [(k, v) for k, v in good_form().items() if k != "verification"]
    items += [("verification", "offline_chip"), ("verification", "visual")]
    design, errors = parse_design(MultiDict(items))
    assert errors == {} and design["verification"] == ("visual", "offline_chip")  # stored in the options' order


@pytest.mark.parametrize(
    "changes, key, words",
    [
        ({"chip": "none"}, "fields.blood_type", None),  # set below: blood type kept on the chip only
        ({"chip": "none", "chip_access": "pace"}, "chip_access", "this card has none"),
        ({"registry": "none"}, "agency_linkage", "registry that exists"),
        (
            {"registry": "none", "agency_linkage": "no", "fields.address": "not_collected", "verification": ["online"]},
            "verification",
            "needs a registry",
        ),
    ],
)
def test_choices_that_contradict_each_other_are_refused_at_the_field(changes, key, words):
    form = {**good_form(), "fields.blood_type": "chip", **changes}
    if key != "fields.blood_type":
        form["fields.blood_type"] = "printed"
        form["chip_auth"] = "none"
    design, errors = parse_design(form)
    assert design is None and key in errors, errors
    assert (words or "needs a card with a chip") in errors[key]


# --- bad data files -----------------------------------------------------------------------------------------------


@pytest.fixture
def lab_copy(tmp_path):
    for name in ("options.yaml", "rules.yaml", "presets.yaml", "tasks.yaml"):
        shutil.copy(engine.LAB_DIR / name, tmp_path / name)
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "file, old, new, where",
    [
        (
            "rules.yaml",
            "condition: {field: fields.blood_type, is: printed}",
            "condition: {field: fields.blod_type, is: printed}",
            "rules.yaml: rules[blood-type-printed].condition.field",
        ),
        (
            "rules.yaml",
            "condition: {field: body, is: laminated_paper}",
            "condition: {field: body, is: cardboard}",
            "rules.yaml: rules[laminated-paper].condition.is",
        ),
        (
            "rules.yaml",
            'condition: {field: security_printing, is: "no"}',
            "condition: {field: security_printing, is: no}",
            "rules.yaml: rules[no-security-printing].condition.is",
        ),
        (
            "rules.yaml",
            "dimension: cloning_forgery\n    condition: {field: body, is: pvc}",
            "dimension: cloning\n    condition: {field: body, is: pvc}",
            "rules.yaml: rules[pvc-body].dimension",
        ),
        (
            "rules.yaml",
            "    points: 3\n    message: Blood type",
            "    points: 3\n    mesage: Blood type",
            "rules.yaml: rules[blood-type-printed].message: is required",
        ),
        (
            "rules.yaml",
            "condition: {field: body, is: pvc}",
            "condition: {dimension: exclusion, at_most: low}",
            "rules.yaml: rules[pvc-body].condition",
        ),
        (
            "presets.yaml",
            "      validity_years: 8\n",
            "      validity_years: 40\n",
            "presets.yaml: presets[nk-2019].design.validity_years",
        ),
        (
            "presets.yaml",
            '      registry: local\n      agency_linkage: "yes"\n      validity_years: 10\n',
            '      agency_linkage: "yes"\n      validity_years: 10\n',
            "presets.yaml: presets[de-eid].design.registry",
        ),
        (
            "presets.yaml",
            "      body: Polycarbonate is assumed (",
            "      bodyy: Polycarbonate is assumed (",
            "presets.yaml: presets[de-eid].assumptions.bodyy",
        ),
        (
            "tasks.yaml",
            "    preset: nk-2019\n    lesson: id-design-lab-project\n    prompt: >-\n      Change the 2019",
            "    preset: nk-2020\n    lesson: id-design-lab-project\n    prompt: >-\n      Change the 2019",
            "tasks.yaml: tasks[no-remote-read].preset",
        ),
        (
            "tasks.yaml",
            "{dimension: exclusion, at_most: low}",
            "{dimension: exclusion, at_most: tiny}",
            "tasks.yaml: tasks[renewal-without-census].checks[1].condition.at_most",
        ),
        (
            "options.yaml",
            "          - value: pvc\n",
            "          - value: pvc\n            colour: grey\n",
            "options.yaml: sections[card].options[body].choices[1].colour",
        ),
        ("rules.yaml", "levels:\n", "levels: [\n", "rules.yaml: line"),
    ],
)
def test_bad_data_names_the_file_and_the_key(lab_copy, file, old, new, where):
    edit(lab_copy / file, old, new)
    with pytest.raises(LabDataError) as caught:
        engine.load_lab(lab_copy)
    assert str(caught.value).startswith(where), str(caught.value)


def test_a_duplicate_rule_id_is_refused(lab_copy):
    edit(lab_copy / "rules.yaml", "  - id: pvc-body", "  - id: laminated-paper")
    with pytest.raises(LabDataError, match=r"rules\.yaml: rules\[laminated-paper\]: this rule id is used twice"):
        engine.load_lab(lab_copy)


def test_the_unchanged_copy_loads(lab_copy):
    assert engine.load_lab(lab_copy).rules == LAB.rules


# --- drawings -----------------------------------------------------------------------------------------------------


def parse_svg(markup):
    root = ET.fromstring(str(markup))  # noqa: S314 -- our own generated SVG, not outside input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for element in root.iter():
        assert "style" not in element.attrib, element.tag  # the CSP forbids inline styles
    return root


def svg_text(root):
    return " ".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def classes(root):
    return " ".join(el.attrib.get("class", "") for el in root.iter())


@pytest.mark.parametrize("slug", sorted(LAB.presets))
def test_cards_are_well_formed_svg_without_inline_style(slug):
    d = preset(slug)
    front, back = parse_svg(drawing.card_front(d)), parse_svg(drawing.card_back(d))
    assert f"lab-card__body--{d['body']}" in classes(front)
    assert front.attrib["role"] == "img" and front.find("{http://www.w3.org/2000/svg}title") is not None
    assert ("lab-card__antenna" in classes(back)) == (d["chip"] == "contactless")
    assert ("lab-card__chip " in classes(front) + " ") == (d["chip"] == "contact")
    assert ("lab-card__guilloche" in classes(front)) == (d["security_printing"] == "yes")


def test_card_front_shows_printed_fields_and_marks_sensitive_ones():
    front = parse_svg(drawing.card_front(preset("nk-2019")))
    text = svg_text(front)
    assert "Blood type" in text and "Marital status" in text
    assert "lab-card__field--sensitive" in classes(front)
    clean = parse_svg(
        drawing.card_front(preset("nk-2019", fields__blood_type="not_collected", fields__marital_status="registry"))
    )
    assert "Blood type" not in svg_text(clean) and "lab-card__field--sensitive" not in classes(clean)
    pasted = parse_svg(drawing.card_front(preset("nk-laminated")))
    assert "lab-card__photo--pasted" in classes(pasted)


def test_card_back_shows_mrz_only_with_access_control_and_lists_chip_contents():
    assert "lab-card__mrz" in classes(parse_svg(drawing.card_back(preset("de-eid"))))
    back = parse_svg(drawing.card_back(preset("nk-2019")))
    assert "lab-card__mrz" not in classes(back)
    assert "Blood type" in svg_text(back)  # printed fields are copied to the chip


def test_chart_escapes_labels_and_draws_a_bar_per_design_and_dimension():
    hostile = '<script>alert("x")</script> & co'
    markup = drawing.chart_for([(hostile, preset("nk-2019")), ("Germany", preset("de-eid"))])
    assert "<script>" not in str(markup)
    root = parse_svg(markup)
    assert hostile in svg_text(root)  # shown as text, not markup
    bars = [
        el for el in root.iter("{http://www.w3.org/2000/svg}rect") if "lab-chart__bar" in el.attrib.get("class", "")
    ]
    assert len(bars) == 2 * len(LAB.dimensions)
    widths = {el.find("{http://www.w3.org/2000/svg}title").text: float(el.attrib["width"]) for el in bars}
    remote = {k: v for k, v in widths.items() if "Readability at a distance" in k}
    assert max(remote, key=remote.get).startswith(hostile)
