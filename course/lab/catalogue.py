"""The lab's texts in the interface's gettext catalogue (docs/translating.md, "The lab's YAML").

The YAML files beside this module stay in English, and their English texts are the msgids: `extract_lab_yaml` is a
Babel extractor (registered in babel.cfg) that yields every text a student reads from them — labels, explanations,
section titles, rule messages and rationales, level and dimension names, preset titles, summaries, source titles and
assumption notes, task titles, prompts and checks. course.labmodel loads and caches the English lab once per process;
`localized_lab()` gives the same lab with each of those texts looked up in the reader's language, built once per
language and process, so a page in Korean costs no more than one in English.

Keys, values, slugs, conditions and URLs are never translated: saved designs, rules and tasks refer to them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import yaml

from course.labmodel import NO_EXPIRY, Choice, Lab, Option, get_lab

# Mapping keys whose (text) value a student reads; every value under `assumptions` is read too.
TEXT_KEYS = frozenset(
    {"label", "explanation", "title", "message", "rationale", "question", "summary", "prompt", "says"}
)
NOTE_MAPPINGS = frozenset({"assumptions"})
STR_TAG = "tag:yaml.org,2002:str"


def _texts(node: yaml.Node, path: str, wanted: bool = False) -> Iterator[tuple[int, str, str]]:
    """(line, text, where) for every text scalar under a text key, in file order."""
    if isinstance(node, yaml.ScalarNode):
        if wanted and node.tag == STR_TAG and node.value.strip():
            yield node.start_mark.line + 1, node.value.strip(), path
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _texts(item, f"{path}[{_ident(item) or index}]")
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            where = f"{path}.{name}" if path else name
            if name in NOTE_MAPPINGS and isinstance(value, yaml.MappingNode):
                for note_key, note in value.value:
                    yield from _texts(note, f"{where}.{note_key.value}", wanted=True)
            else:
                yield from _texts(value, where, wanted=name in TEXT_KEYS)


def _ident(node: yaml.Node) -> str | None:
    """The readable id of a list item (`rules[blood-type-printed]`), for the translator's comment."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value in ("id", "slug", "key", "name", "value") and isinstance(value, yaml.ScalarNode):
                return value.value
    return None


def extract_lab_yaml(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor for the lab's YAML (babel.cfg: `lab_yaml = course.lab.catalogue:extract_lab_yaml`).

    Yields (line, None, text, [where]) — the comment names the file's key path, so a translator sees whether a text
    is a label, an explanation or a rule's rationale. The text is exactly what the engine holds (folded, stripped)."""
    name = getattr(fileobj, "name", "")
    document = yaml.compose(fileobj, Loader=yaml.SafeLoader)
    if document is None:
        return
    prefix = str(name).rsplit("/", 1)[-1]
    for line, text, where in _texts(document, ""):
        yield line, None, text, [f"ID Design Lab, {prefix}: {where}"]


# --- looking the texts up --------------------------------------------------------------------------------------------


def localize(lab: Lab, gettext: Callable[[str], str], ngettext: Callable[..., str]) -> Lab:
    """The lab with every text a student reads passed through gettext. Pure: the caller supplies the language's
    gettext; structure, keys and values are unchanged, so conditions and saved designs work alike in any language."""
    t = functools.cache(lambda text: gettext(text) if text else text)

    def choice(c: Choice, option_kind: str = "choice") -> Choice:
        if option_kind == "validity":
            if c.value == NO_EXPIRY:
                label = gettext("No expiry")
            else:
                label = ngettext("%(num)d year", "%(num)d years", int(c.value))
            return replace(c, label=label)
        return replace(c, label=t(c.label), explanation=t(c.explanation), requires_message=t(c.requires_message))

    states = tuple(choice(c) for c in lab.field_states)
    options: dict[str, Option] = {}
    for key, o in lab.options.items():
        choices = states if o.is_field else tuple(choice(c, o.kind) for c in o.choices)
        options[key] = replace(o, label=t(o.label), explanation=t(o.explanation), choices=choices)
    sections = tuple(
        replace(s, title=t(s.title), explanation=t(s.explanation), options=tuple(options[o.key] for o in s.options))
        for s in lab.sections
    )
    presets = {
        slug: replace(
            p,
            title=t(p.title),
            summary=t(p.summary),
            sources=tuple(replace(s, title=t(s.title)) for s in p.sources),
            assumptions={k: t(v) for k, v in p.assumptions.items()},
        )
        for slug, p in lab.presets.items()
    }
    tasks = {
        slug: replace(
            task,
            title=t(task.title),
            prompt=t(task.prompt),
            checks=tuple(replace(c, says=t(c.says)) for c in task.checks),
        )
        for slug, task in lab.tasks.items()
    }
    return Lab(
        sections=sections,
        options=options,
        field_states=states,
        field_groups=lab.field_groups,
        levels=tuple(replace(lv, label=t(lv.label)) for lv in lab.levels),
        dimensions=tuple(replace(d, label=t(d.label), question=t(d.question)) for d in lab.dimensions),
        rules=tuple(replace(r, message=t(r.message), rationale=t(r.rationale)) for r in lab.rules),
        presets=presets,
        tasks=tasks,
    )


_LOCALIZED: dict[str, tuple[Lab, Lab]] = {}  # language → (the English lab it was built from, the lab in it)


def _lab_in(language: str, lab: Lab) -> Lab:
    built = _LOCALIZED.get(language)
    if built is None or built[0] is not lab:
        from flask_babel import force_locale, gettext, ngettext

        with force_locale(language):
            built = _LOCALIZED[language] = (lab, localize(lab, gettext, ngettext))
    return built[1]


def localized_lab(language: str | None = None) -> Lab:
    """The bundled lab in the reader's language (English outside a request), built once per language."""
    from flask_babel import get_locale

    from course.i18n import SOURCE_LANGUAGE

    lab = get_lab()
    if language is None:
        locale = get_locale()
        language = str(locale) if locale is not None else SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return lab
    return _lab_in(language, lab)


def lab_text(text: Any) -> str:
    """A lab text stored earlier in English (a submission's checks), shown in the reader's language."""
    from flask_babel import gettext

    return gettext(text) if isinstance(text, str) and text else text
