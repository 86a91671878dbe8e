"""Branching scenario lessons: read and check a scenario file, render it once, and the pure rules of play.

A scenario lesson is a lesson whose front matter says `type: scenario`; its nodes live beside it in
`NN-lesson-slug.scenario.yaml` (docs/content-format.md, "Scenario lessons"). Choices lead to other nodes and may
set state; conditions read it (`deadline = short and fields != minimal`), both in a choice's `when` and in
`::: if …` / `::: else` / `:::` passages of a node's text or an ending's debrief. Conditions are parsed here into
lists of (name, operator, value) and evaluated by comparison only: nothing an author writes is ever executed.

The checker explores every combination of node and state a student can reach, so it reports exactly the nodes no
path reaches, the places where no choice is offered, and the loops no choice leaves. No Flask here.
"""

import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from course import schema
from course.content.checking import unknown_key_problems
from course.content.problems import ContentProblem
from course.content.yaml_lines import LineDict, LineList, load_yaml
from course.render import CITATION, render_inline, render_markdown, render_sources

SCENARIO_SUFFIX = ".scenario.yaml"
NODE_ID = schema.SLUG  # a node id is written like a slug
STATE_NAME = schema.IDENT
STATE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TERM = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(!=|=)\s*([A-Za-z0-9][A-Za-z0-9_-]*)\s*$")
PASSAGE_IF = re.compile(r"^:::\s*if\s+(.*?)\s*$")
PASSAGE_ELSE = re.compile(r"^:::\s*else\s*$")
PASSAGE_END = re.compile(r"^:::\s*$")
_MARKER = "lanyardpassage"
_MARKER_HTML = re.compile(rf"<p>{_MARKER}(\d+|end)</p>\n?")

# The keys of a scenario file (course.schema); their values are checked by _ScenarioChecker below.
SCENARIO = schema.Schema(dict.fromkeys(("start", "state", "nodes"), schema.anything()))
NODE = schema.Schema(dict.fromkeys(("id", "title", "text", "choices", "ending", "debrief"), schema.anything()))
CHOICE = schema.Schema(dict.fromkeys(("text", "to", "set", "when"), schema.anything()))
MAX_NODES = 200
MAX_CONFIGURATIONS = 50_000  # node × state combinations the checker explores before giving up

Condition = list[list[str]]  # [[name, "=" or "!=", value], …], all of which must hold


@dataclass
class ScenarioData:
    """A checked scenario: `document` as the author wrote it (export and the editor use it) and `compiled`, the
    rendered nodes the player reads."""

    path: str
    document: dict[str, Any]
    compiled: dict[str, Any]


# --- conditions and state ----------------------------------------------------------------------------------------


def parse_condition(text: Any) -> tuple[Condition, str | None]:
    """`a = x and b != y` as [[a, =, x], [b, !=, y]]; the second value is why it cannot be read, or None."""
    if not isinstance(text, str) or not text.strip():
        return [], _("a condition reads like `deadline = short` or `deadline = short and fields != minimal`")
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        match = TERM.match(part)
        if not match:
            return [], _(
                "cannot read the condition %(condition)s: write name = value or name != value, joined by "
                "'and' (names in lower case, values single words)",
                condition=repr(text.strip()),
            )
        terms.append([match.group(1), match.group(2), match.group(3)])
    return terms, None


def condition_text(condition: Condition) -> str:
    return " and ".join(f"{name} {op} {value}" for name, op, value in condition)


def holds(condition: Condition | None, state: dict[str, str], negate: bool = False) -> bool:
    """Whether a parsed condition holds in this state; state nothing has set yet is empty and equals no value."""
    if not condition:
        return not negate
    result = all((state.get(name, "") == value) == (op == "=") for name, op, value in condition)
    return result != negate


def state_value(value: Any) -> str | None:
    """A value as state holds it: a word, or true/false and numbers as the words YAML read them from."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str) and STATE_VALUE.match(value.strip()):
        return value.strip()
    return None


# --- play (pure) ------------------------------------------------------------------------------------------------


def offered_choices(node: dict[str, Any], state: dict[str, str]) -> list[tuple[int, dict[str, Any]]]:
    """The choices a node offers in this state, with their index in the node (what a form posts)."""
    return [(index, choice) for index, choice in enumerate(node.get("choices", ())) if holds(choice.get("when"), state)]


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
        source_lines, conditions, open_at, lines_out = text.split("\n"), [], None, []
        for offset, raw in enumerate(source_lines):
            line = first_line + offset
            stripped = raw.strip()
            if passage := PASSAGE_IF.match(stripped):
                if open_at is not None:
                    self.problem(
                        line, _("%(what)s: a passage cannot start inside another (close it with ':::')", what=what)
                    )
                parsed, error = parse_condition(passage.group(1))
                if error:
                    self.problem(line, _("%(what)s: %(problem)s", what=what, problem=error))
                self.conditions_used.append((parsed, line))
                conditions.append((parsed, False))
                open_at = line
                lines_out += ["", f"{_MARKER}{len(conditions) - 1}", ""]
            elif PASSAGE_ELSE.match(stripped):
                if open_at is None or conditions[-1][1]:
                    self.problem(line, _("%(what)s: '::: else' belongs after a '::: if' passage", what=what))
                    continue
                conditions.append((conditions[-1][0], True))
                lines_out += ["", f"{_MARKER}{len(conditions) - 1}", ""]
            elif PASSAGE_END.match(stripped):
                if open_at is None:
                    self.problem(line, _("%(what)s: ':::' closes no passage", what=what))
                    continue
                open_at = None
                lines_out += ["", f"{_MARKER}end", ""]
            else:
                lines_out.append(raw)
                for match in CITATION.finditer(raw):
                    source_id = match.group(1)
                    if not cites:
                        self.problem(
                            line,
                            _(
                                "%(what)s: citations belong in an ending's debrief, where the real cases are explained",
                                what=what,
                            ),
                        )
                    elif source_id not in self.source_ids:
                        message = _(
                            "%(what)s: [@%(id)s] is not a source in this lesson's front matter", what=what, id=source_id
                        )
                        self.problem(line, message)
        if open_at is not None:
            self.problem(open_at, _("%(what)s: this passage is not closed by a ':::' line", what=what))
        rendered = render_markdown("\n".join(lines_out))
        segments, when = [], None
        parts = _MARKER_HTML.split(rendered.html)
        for index, part in enumerate(parts):
            if index % 2:
                when = None if part == "end" else conditions[int(part)]
                continue
            if part.strip():
                segment: dict[str, Any] = {"html": part}
                if when is not None:
                    segment["when"], segment["negate"] = when[0], when[1]
                segments.append(segment)
        return segments, rendered.citations

    def load(self) -> ScenarioData | None:
        data, problems = load_yaml(self.text, self.path)
        self.problems += problems
        if problems:
            return None
        if not isinstance(data, LineDict):
            self.problem(1, _("a scenario file is a mapping with start, state (optional) and nodes"))
            return None
        self.unknown_fields(data, SCENARIO, _("the scenario"))
        initial: dict[str, str] = {}
        state = data.get("state")
        if state is not None and not isinstance(state, LineDict):
            self.problem(data.line_of("state"), _("state is a mapping of names to starting values"))
        states = state if isinstance(state, LineDict) else LineDict()  # none to check unless a mapping
        for name, value in states.items():
            checked = state_value(value)
            if not isinstance(name, str) or not STATE_NAME.match(name) or checked is None:
                self.problem(
                    states.line_of(name),
                    _(
                        "state %(name)s: names are lower-case words (a-z, 0-9, _) and values single words",
                        name=repr(name),
                    ),
                )
                continue
            initial[name] = checked
        entries = data.get("nodes")
        if not isinstance(entries, LineList) or not entries:
            self.problem(data.line_of("nodes"), _("a scenario needs a non-empty list of nodes"))
            return None
        if len(entries) > MAX_NODES:
            self.problem(entries.line_of(MAX_NODES), _("a scenario holds at most %(max)d nodes", max=MAX_NODES))
            return None
        nodes: dict[str, dict[str, Any]] = {}
        documents: list[dict[str, Any]] = []
        lines: dict[str, int] = {}
        choice_targets: list[tuple[str, int]] = []  # (target, line)
        conditions_used = self.conditions_used
        sets: dict[str, set[str]] = {name: {value} for name, value in initial.items()}
        for index, entry in enumerate(entries):
            node_line = entries.line_of(index)
            if not isinstance(entry, LineDict):
                self.problem(node_line, _("each node is a mapping with id, title, text and choices (or ending)"))
                continue
            self.unknown_fields(entry, NODE, _("a node"))
            node_id = entry.get("id")
            if not isinstance(node_id, str) or not NODE_ID.match(node_id) or len(node_id) > 80:
                message = _("node id %(id)s must be lower-case words joined by hyphens", id=repr(node_id))
                self.problem(entry.line_of("id"), message)
                continue
            if node_id in nodes:
                message = _("node id '%(id)s' is used twice (first at line %(line)d)", id=node_id, line=lines[node_id])
                self.problem(entry.line_of("id"), message)
                continue
            lines[node_id] = entry.line_of("id")
            what = _("node '%(id)s'", id=node_id)
            title = entry.get("title")
            if not isinstance(title, str) or not title.strip():
                self.problem(entry.line_of("title"), _("%(what)s needs a short 'title' (the path shows it)", what=what))
                title = node_id
            elif len(title.strip()) > 200:
                self.problem(
                    entry.line_of("title"),
                    _("%(what)s: the title is longer than %(max)d characters", what=what, max=200),
                )
            text = entry.get("text")
            if not isinstance(text, str) or not text.strip():
                self.problem(entry.line_of("text"), _("%(what)s needs a 'text' (Markdown)", what=what))
                text = ""
            document: dict[str, Any] = {"id": node_id, "title": str(title).strip(), "text": text.strip("\n")}
            segments, _cited = self.passages(text.strip("\n"), self.text_line(entry, "text"), what, cites=False)
            node: dict[str, Any] = {"title": str(title).strip(), "text": segments, "choices": []}
            ending = entry.get("ending")
            raw_choices = entry.get("choices")
            if ending is not None:
                if not isinstance(ending, str) or not ending.strip():
                    message = _("%(what)s: 'ending' is the ending's name, such as 'The quiet registry'", what=what)
                    self.problem(entry.line_of("ending"), message)
                    ending = "Ending"
                if raw_choices:
                    self.problem(
                        entry.line_of("choices"), _("%(what)s is an ending: an ending has no choices", what=what)
                    )
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
                    message = _(
                        "the debrief of '%(id)s' cites no source: cite the real cases with [@source-id]", id=node_id
                    )
                    self.problem(self.text_line(entry, "debrief"), message)
                cited_sources = [s for s in self.sources if str(s.get("id")) in cited]
                _numbered, sources_html = render_sources(
                    [{k: v for k, v in s.items() if k != "number"} for s in cited_sources], cited
                )
                node.update(ending=ending.strip(), debrief=debrief_segments, sources_html=sources_html)
                document.update(ending=ending.strip(), debrief=debrief.strip("\n"))
            else:
                if entry.get("debrief") is not None:
                    self.problem(entry.line_of("debrief"), _("%(what)s has a debrief but no 'ending' name", what=what))
                if not raw_choices:
                    message = _("%(what)s is a dead end: it has no choices and is not an ending", what=what)
                    self.problem(entry.line_of("id"), message)
                elif not isinstance(raw_choices, LineList):
                    self.problem(entry.line_of("choices"), _("%(what)s: choices are a list", what=what))
                else:
                    document["choices"] = []
                    for choice_index, choice in enumerate(raw_choices):
                        compiled = self.choice(
                            choice, raw_choices.line_of(choice_index), what, sets, choice_targets, conditions_used
                        )
                        if compiled is not None:
                            node["choices"].append(compiled[0])
                            document["choices"].append(compiled[1])
            if "choices" in document and "ending" not in document:
                order = ["id", "title", "text", "choices"]
                document = {k: document[k] for k in order}
            nodes[node_id] = node
            documents.append(document)
        for target, line in choice_targets:
            if target not in nodes:
                self.problem(line, _("a choice leads to node '%(target)s', which does not exist", target=target))
        start = data.get("start")
        if not isinstance(start, str) or start not in nodes:
            self.problem(data.line_of("start"), _("start %(start)s must be the id of a node", start=repr(start)))
        for condition, line in conditions_used:
            for name, _op, value in condition:
                if name not in sets:
                    self.problem(
                        line,
                        _(
                            "state '%(name)s' is read here but nothing sets it (no choice's 'set' and "
                            "no starting 'state')",
                            name=name,
                        ),
                    )
                elif value not in sets[name]:
                    known = ", ".join(sorted(sets[name]))
                    self.problem(
                        line,
                        _(
                            "state '%(name)s' is compared with '%(value)s', which nothing sets it to "
                            "(it can be: %(known)s)",
                            name=name,
                            value=value,
                            known=known,
                        ),
                    )
        if self.problems:
            return None
        compiled = {"start": start, "state": initial, "nodes": nodes}
        self.explore(compiled, lines)
        if self.problems:
            return None
        document_out: dict[str, Any] = {"start": start}
        if initial:
            document_out["state"] = dict(initial)
        document_out["nodes"] = documents
        return ScenarioData(self.path, document_out, compiled)

    def choice(self, choice, line: int, what: str, sets, choice_targets, conditions_used):
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
            choice_targets.append((target, choice.line_of("to")))
        compiled: dict[str, Any] = {"text_html": render_inline(text.strip()), "to": target}
        document: dict[str, Any] = {"text": text.strip(), "to": target}
        to_set = choice.get("set")
        if to_set is not None:
            if not isinstance(to_set, LineDict) or not to_set:
                self.problem(
                    choice.line_of("set"), _("%(what)s: 'set' is a mapping such as {deadline: short}", what=what)
                )
            else:
                values = {}
                for name, value in to_set.items():
                    checked = state_value(value)
                    if not isinstance(name, str) or not STATE_NAME.match(name) or checked is None:
                        message = _(
                            "%(what)s: set %(name)s: names are lower-case words (a-z, 0-9, _) and values single words",
                            what=what,
                            name=repr(name),
                        )
                        self.problem(to_set.line_of(name), message)
                        continue
                    values[name] = checked
                    sets.setdefault(name, set()).add(checked)
                compiled["set"], document["set"] = values, dict(values)
        if choice.get("when") is not None:
            condition = self.condition(choice, "when", what)
            conditions_used.append((condition, choice.line_of("when")))
            compiled["when"] = condition
            document["when"] = condition_text(condition) if condition else choice.get("when")
        return compiled, document

    def explore(self, compiled: dict[str, Any], lines: dict[str, int]) -> None:
        """Walk every (node, state) a student can reach; report unreachable nodes, dead ends and inescapable loops."""
        nodes = compiled["nodes"]
        first = (compiled["start"], tuple(sorted(compiled["state"].items())))
        seen = {first}
        queue = deque([first])
        edges: dict[tuple, list[tuple]] = {}
        while queue:
            config = queue.popleft()
            node_id, frozen = config
            state = dict(frozen)
            node = nodes[node_id]
            targets = []
            for _index, choice in offered_choices(node, state):
                following = (choice["to"], tuple(sorted({**state, **choice.get("set", {})}.items())))
                targets.append(following)
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
                    if len(seen) > MAX_CONFIGURATIONS:
                        self.problem(
                            1,
                            _(
                                "more than %(max)d combinations of node and state: simplify the state so "
                                "the scenario can be checked",
                                max=MAX_CONFIGURATIONS,
                            ),
                        )
                        return
            edges[config] = targets
        reached = {node_id for node_id, _ in seen}
        for node_id in nodes:
            if node_id not in reached:
                self.problem(
                    lines[node_id],
                    _("node '%(id)s' cannot be reached: no path from the start leads here in any state", id=node_id),
                )
        dead = [c for c in seen if not edges[c] and "ending" not in nodes[c[0]]]
        reported = set()
        for node_id, frozen in sorted(dead):
            if node_id not in reported and nodes[node_id]["choices"]:
                reported.add(node_id)
                shown = ", ".join(f"{k} = {v}" for k, v in frozen) or _("the starting state")
                self.problem(
                    lines[node_id],
                    _(
                        "node '%(id)s' is a dead end when %(state)s: none of its choices is offered",
                        id=node_id,
                        state=shown,
                    ),
                )
        reverse: dict[tuple, list[tuple]] = {}
        for config, targets in edges.items():
            for target in targets:
                reverse.setdefault(target, []).append(config)

        def backwards(starts) -> set:
            found, pending = set(starts), list(starts)
            while pending:
                for previous in reverse.get(pending.pop(), ()):
                    if previous not in found:
                        found.add(previous)
                        pending.append(previous)
            return found

        can_end = backwards([c for c in seen if "ending" in nodes[c[0]]])
        explained = backwards(dead)
        trapped = sorted({c[0] for c in seen if c not in can_end and c not in explained})
        for node_id in trapped:
            self.problem(
                lines[node_id],
                _(
                    "node '%(id)s' is in a loop that cannot be left: no choice from here ever reaches an ending",
                    id=node_id,
                ),
            )


def load_scenario_text(text: str, path: str, sources: list[dict[str, Any]]) -> tuple[ScenarioData | None, list]:
    """Check a scenario file's text against its lesson's sources; the scenario (None on any problem) and problems."""
    checker = _ScenarioChecker(path, text, sources)
    scenario = checker.load()
    return scenario, checker.problems


def scenario_path(lesson_path: str) -> str:
    """Where a lesson's scenario file sits: beside it, with the same name."""
    return lesson_path.removesuffix(".md") + SCENARIO_SUFFIX
