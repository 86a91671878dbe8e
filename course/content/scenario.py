"""Branching scenario lessons: read and check a scenario file, render it once, and the pure rules of play.

A scenario lesson is a lesson whose front matter says `type: scenario`; its nodes live beside it in
`NN-lesson-slug.scenario.yaml` (docs/content-format.md, "Scenario lessons"). Choices lead to other nodes and may
set state; conditions read it (`deadline = short and fields != minimal`), both in a choice's `when` and in
`::: if …` / `::: else` / `:::` passages of a node's text or an ending's debrief. Conditions are parsed into lists
of (name, operator, value) and evaluated by comparison only (scenario_conditions): nothing an author writes is ever
executed.

This module checks a file's keys and values, node by node; scenario_passages reads the passages of a text, and
scenario_graph explores every combination of node and state a student can reach, so the checker reports exactly the
nodes no path reaches, the places where no choice is offered, and the loops no choice leaves. No Flask here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.checking import unknown_key_problems
from course.content.problems import ContentProblem
from course.content.scenario_conditions import (
    Condition,
    condition_text,
    holds,
    offered_choices,
    parse_condition,
    state_value,
)
from course.content.scenario_graph import reachability_problems
from course.content.scenario_passages import PassageReader
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.render import render_inline, render_sources

SCENARIO_SUFFIX = ".scenario.yaml"
NODE_ID = schema.SLUG  # a node id is written like a slug
STATE_NAME = schema.IDENT

# The keys of a scenario file (course.schema); their values are checked by _ScenarioChecker below.
SCENARIO = schema.Schema(dict.fromkeys(("start", "state", "nodes"), schema.anything()))
NODE = schema.Schema(dict.fromkeys(("id", "title", "text", "choices", "ending", "debrief"), schema.anything()))
CHOICE = schema.Schema(dict.fromkeys(("text", "to", "set", "when"), schema.anything()))
MAX_NODES = 200


@dataclass
class ScenarioData:
    """A checked scenario: `document` as the author wrote it (export and the editor use it) and `compiled`, the
    rendered nodes the player reads."""

    path: str
    document: dict[str, Any]
    compiled: dict[str, Any]


# --- play (pure) ------------------------------------------------------------------------------------------------


def visible_html(segments: list[dict[str, Any]], state: dict[str, str]) -> str:
    """A node's text or debrief with the passages this state shows."""
    return "".join(s["html"] for s in segments if holds(s.get("when"), state, s.get("negate", False)))


def take_choice(compiled: dict[str, Any], node_id: str, state: dict[str, str], index: int):
    """(next node id, new state) for choice `index` of a node, or None when that choice is not offered there."""
    node = compiled["nodes"].get(node_id)
    if node is None:
        return None
    for offered, choice in offered_choices(node, state):
        if offered == index:
            return choice["to"], {**state, **choice.get("set", {})}
    return None


# --- reading and checking ---------------------------------------------------------------------------------------


class _ScenarioChecker:
    def __init__(self, path: str, text: str, sources: list[dict[str, Any]]):
        self.path, self.text, self.sources = path, text, sources
        self.source_ids = {str(s.get("id")) for s in sources}
        self.lines = text.splitlines()
        self.problems: list[ContentProblem] = []
        self.conditions_used: list[tuple[Condition, int]] = []  # every condition read, with its line
        self.sets: dict[str, set[str]] = {}  # the values each state name starts with or a choice sets
        self.choice_targets: list[tuple[str, int]] = []  # every choice's `to`, with its line
        self.node_lines: dict[str, int] = {}  # the line of each node id read so far

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, message))

    def text_line(self, data: LineDict, key: str) -> int:
        """The line a block of text starts on: the line after `key: |`, or the key's own line."""
        line = data.line_of(key)
        raw = self.lines[line - 1].rstrip() if 0 < line <= len(self.lines) else ""
        return line + 1 if re.search(r":\s*[|>][+-]?\d*$", raw) else line

    def unknown_fields(self, data: LineDict, allowed: schema.Schema, what: str) -> None:
        for line, message in unknown_key_problems(allowed, data, what):
            self.problem(line, message)

    def condition(self, data: LineDict, key: str, what: str, line: int | None = None) -> Condition:
        parsed, error = parse_condition(data.get(key))
        if error:
            self.problem(line or data.line_of(key), _("%(what)s: %(problem)s", what=what, problem=error))
        return parsed

    def passages(self, text: str, first_line: int, what: str, cites: bool) -> tuple[list[dict[str, Any]], list]:
        """Render text with its `::: if` passages once, split into segments; also the ids it cites."""
        reader = PassageReader(what, cites, self.source_ids, self.problem, self.conditions_used)
        return reader.segments(text, first_line)

    def state_values(self, mapping: LineDict, refusal: Callable[[str], str]) -> dict[str, str]:
        """A mapping of state names to values, as state holds them; a bad name or value is reported as `refusal`
        of the name's repr."""
        values = {}
        for name, value in mapping.items():
            checked = state_value(value)
            if not isinstance(name, str) or not STATE_NAME.match(name) or checked is None:
                self.problem(mapping.line_of(name), refusal(repr(name)))
                continue
            values[name] = checked
        return values

    def load(self) -> ScenarioData | None:
        """The checked scenario, or None once any problem is reported."""
        data = self.scenario_mapping()
        if data is None:
            return None
        self.unknown_fields(data, SCENARIO, _("the scenario"))
        initial = self.initial_state(data)
        entries = self.node_entries(data)
        if entries is None:
            return None
        self.sets = {name: {value} for name, value in initial.items()}
        nodes: dict[str, dict[str, Any]] = {}
        documents: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            read = self.node(entry, entries.line_of(index))
            if read is not None:
                node_id, node, document = read
                nodes[node_id] = node
                documents.append(document)
        for target, line in self.choice_targets:
            if target not in nodes:
                self.problem(line, _("a choice leads to node '%(target)s', which does not exist", target=target))
        start = data.get("start")
        if not isinstance(start, str) or start not in nodes:
            self.problem(data.line_of("start"), _("start %(start)s must be the id of a node", start=repr(start)))
        self.check_state_reads()
        if self.problems:
            return None
        compiled = {"start": start, "state": initial, "nodes": nodes}
        for line, message in reachability_problems(compiled, self.node_lines):
            self.problem(line, message)
        if self.problems:
            return None
        document_out = {"start": start, **({"state": dict(initial)} if initial else {}), "nodes": documents}
        return ScenarioData(self.path, document_out, compiled)

    def scenario_mapping(self) -> LineDict | None:
        """The file as YAML, when it reads as a mapping; None once a problem is reported."""
        data, problems = load_yaml(self.text, self.path)
        self.problems += problems
        if problems:
            return None
        if not isinstance(data, LineDict):
            self.problem(1, _("a scenario file is a mapping with start, state (optional) and nodes"))
            return None
        return data

    def initial_state(self, data: LineDict) -> dict[str, str]:
        """The starting `state`, each name and value checked."""
        state = data.get("state")
        if state is None:
            return {}
        if not isinstance(state, LineDict):
            self.problem(data.line_of("state"), _("state is a mapping of names to starting values"))
            return {}
        return self.state_values(
            state,
            lambda name: _(
                "state %(name)s: names are lower-case words (a-z, 0-9, _) and values single words", name=name
            ),
        )

    def node_entries(self, data: LineDict) -> LineList | None:
        """The `nodes` list, when it holds between one and MAX_NODES entries; None once a problem is reported."""
        entries = data.get("nodes")
        if not isinstance(entries, LineList) or not entries:
            self.problem(data.line_of("nodes"), _("a scenario needs a non-empty list of nodes"))
            return None
        if len(entries) > MAX_NODES:
            self.problem(entries.line_of(MAX_NODES), _("a scenario holds at most %(max)d nodes", max=MAX_NODES))
            return None
        return entries

    def node(self, entry: Any, line: int) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """(id, the node as the player reads it, the node as written) of one entry of `nodes`; None when it has no
        usable id."""
        if not isinstance(entry, LineDict):
            self.problem(line, _("each node is a mapping with id, title, text and choices (or ending)"))
            return None
        self.unknown_fields(entry, NODE, _("a node"))
        node_id = self.new_node_id(entry)
        if node_id is None:
            return None
        what = _("node '%(id)s'", id=node_id)
        title = self.node_title(entry, node_id, what)
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            self.problem(entry.line_of("text"), _("%(what)s needs a 'text' (Markdown)", what=what))
            text = ""
        document: dict[str, Any] = {"id": node_id, "title": title, "text": text.strip("\n")}
        segments, _cited = self.passages(text.strip("\n"), self.text_line(entry, "text"), what, cites=False)
        node: dict[str, Any] = {"title": title, "text": segments, "choices": []}
        if entry.get("ending") is not None:
            self.ending(entry, node_id, what, node, document)
        else:
            self.node_choices(entry, what, node, document)
        return node_id, node, document

    def new_node_id(self, entry: LineDict) -> str | None:
        """The node's id, when it is a slug no node before it has; None once a problem is reported."""
        node_id = entry.get("id")
        if not isinstance(node_id, str) or not NODE_ID.match(node_id) or len(node_id) > 80:
            message = _("node id %(id)s must be lower-case words joined by hyphens", id=repr(node_id))
            self.problem(entry.line_of("id"), message)
            return None
        if node_id in self.node_lines:
            message = _(
                "node id '%(id)s' is used twice (first at line %(line)d)", id=node_id, line=self.node_lines[node_id]
            )
            self.problem(entry.line_of("id"), message)
            return None
        self.node_lines[node_id] = entry.line_of("id")
        return node_id

    def node_title(self, entry: LineDict, node_id: str, what: str) -> str:
        """The node's title as the path shows it; the id stands in for a missing one."""
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problem(entry.line_of("title"), _("%(what)s needs a short 'title' (the path shows it)", what=what))
            return node_id
        if len(title.strip()) > 200:
            self.problem(
                entry.line_of("title"), _("%(what)s: the title is longer than %(max)d characters", what=what, max=200)
            )
        return title.strip()

    def ending(self, entry: LineDict, node_id: str, what: str, node: dict[str, Any], document: dict[str, Any]) -> None:
        """Add an ending's name, debrief and the sources it cites to the node; an ending has no choices."""
        ending = entry.get("ending")
        if not isinstance(ending, str) or not ending.strip():
            message = _("%(what)s: 'ending' is the ending's name, such as 'The quiet registry'", what=what)
            self.problem(entry.line_of("ending"), message)
            ending = "Ending"
        if entry.get("choices"):
            self.problem(entry.line_of("choices"), _("%(what)s is an ending: an ending has no choices", what=what))
        debrief = entry.get("debrief")
        if not isinstance(debrief, str) or not debrief.strip():
            message = _(
                "ending '%(id)s' has no debrief: say what this path resembled in the real cases, "
                "citing the lesson's sources",
                id=node_id,
            )
            self.problem(entry.line_of("ending"), message)
            debrief = ""
        debrief_segments, cited = self.passages(
            debrief.strip("\n"),
            self.text_line(entry, "debrief"),
            _("the debrief of '%(id)s'", id=node_id),
            cites=True,
        )
        if debrief.strip() and not cited:
            message = _("the debrief of '%(id)s' cites no source: cite the real cases with [@source-id]", id=node_id)
            self.problem(self.text_line(entry, "debrief"), message)
        cited_sources = [s for s in self.sources if str(s.get("id")) in cited]
        _numbered, sources_html = render_sources(
            [{k: v for k, v in s.items() if k != "number"} for s in cited_sources], cited
        )
        node.update(ending=ending.strip(), debrief=debrief_segments, sources_html=sources_html)
        document.update(ending=ending.strip(), debrief=debrief.strip("\n"))

    def node_choices(self, entry: LineDict, what: str, node: dict[str, Any], document: dict[str, Any]) -> None:
        """Add the choices of a node that is no ending; it needs at least one."""
        if entry.get("debrief") is not None:
            self.problem(entry.line_of("debrief"), _("%(what)s has a debrief but no 'ending' name", what=what))
        raw_choices = entry.get("choices")
        if not raw_choices:
            message = _("%(what)s is a dead end: it has no choices and is not an ending", what=what)
            self.problem(entry.line_of("id"), message)
        elif not isinstance(raw_choices, LineList):
            self.problem(entry.line_of("choices"), _("%(what)s: choices are a list", what=what))
        else:
            document["choices"] = []
            for index, choice in enumerate(raw_choices):
                read = self.choice(choice, raw_choices.line_of(index), what)
                if read is not None:
                    node["choices"].append(read[0])
                    document["choices"].append(read[1])

    def choice(self, choice: Any, line: int, what: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(the choice as the player reads it, the choice as written); None when it is not a mapping."""
        if not isinstance(choice, LineDict):
            self.problem(line, _("%(what)s: each choice is a mapping with text and to", what=what))
            return None
        self.unknown_fields(choice, CHOICE, _("a choice"))
        text, target = choice.get("text"), choice.get("to")
        if not isinstance(text, str) or not text.strip():
            self.problem(choice.line_of("text"), _("%(what)s: a choice needs a 'text'", what=what))
            text = ""
        if not isinstance(target, str) or not target:
            message = _("%(what)s: a choice needs 'to', the id of the node it leads to", what=what)
            self.problem(choice.line_of("to"), message)
            target = ""
        else:
            self.choice_targets.append((target, choice.line_of("to")))
        compiled: dict[str, Any] = {"text_html": render_inline(text.strip()), "to": target}
        document: dict[str, Any] = {"text": text.strip(), "to": target}
        to_set = choice.get("set")
        if to_set is not None:
            if not isinstance(to_set, LineDict) or not to_set:
                self.problem(
                    choice.line_of("set"), _("%(what)s: 'set' is a mapping such as {deadline: short}", what=what)
                )
            else:
                values = self.state_values(
                    to_set,
                    lambda name: _(
                        "%(what)s: set %(name)s: names are lower-case words (a-z, 0-9, _) and values single words",
                        what=what,
                        name=name,
                    ),
                )
                for name, value in values.items():
                    self.sets.setdefault(name, set()).add(value)
                compiled["set"], document["set"] = values, dict(values)
        if choice.get("when") is not None:
            condition = self.condition(choice, "when", what)
            self.conditions_used.append((condition, choice.line_of("when")))
            compiled["when"] = condition
            document["when"] = condition_text(condition) if condition else choice.get("when")
        return compiled, document

    def check_state_reads(self) -> None:
        """Every condition reads state something sets, compared with a value something sets it to."""
        for condition, line in self.conditions_used:
            for name, _op, value in condition:
                if name not in self.sets:
                    message = _(
                        "state '%(name)s' is read here but nothing sets it (no choice's 'set' and no starting 'state')",
                        name=name,
                    )
                    self.problem(line, message)
                elif value not in self.sets[name]:
                    message = _(
                        "state '%(name)s' is compared with '%(value)s', which nothing sets it to "
                        "(it can be: %(known)s)",
                        name=name,
                        value=value,
                        known=", ".join(sorted(self.sets[name])),
                    )
                    self.problem(line, message)


def load_scenario_text(text: str, path: str, sources: list[dict[str, Any]]) -> tuple[ScenarioData | None, list]:
    """Check a scenario file's text against its lesson's sources; the scenario (None on any problem) and problems."""
    checker = _ScenarioChecker(path, text, sources)
    scenario = checker.load()
    return scenario, checker.problems


def scenario_path(lesson_path: str) -> str:
    """Where a lesson's scenario file sits: beside it, with the same name."""
    return lesson_path.removesuffix(".md") + SCENARIO_SUFFIX
