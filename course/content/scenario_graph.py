"""The scenario checker's walk over every (node, state) a student can reach, so it reports exactly the nodes no path
reaches, the places where no choice is offered, and the loops no choice leaves."""

from collections import deque
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

from course.content.scenario_conditions import offered_choices

MAX_CONFIGURATIONS = 50_000  # node × state combinations the checker explores before giving up

Configuration = tuple[str, tuple[tuple[str, str], ...]]  # a node id and the state as sorted (name, value) pairs
Edges = dict[Configuration, list[Configuration]]  # every configuration reached, and those its offered choices lead to


def reachability_problems(compiled: dict[str, Any], lines: dict[str, int]) -> list[tuple[int, str]]:
    """(line, message) for every unreachable node, dead end and inescapable loop of a compiled scenario."""
    edges = _reachable(compiled)
    if edges is None:
        message = _(
            "more than %(max)d combinations of node and state: simplify the state so the scenario can be checked",
            max=MAX_CONFIGURATIONS,
        )
        return [(1, message)]
    nodes = compiled["nodes"]
    dead = [config for config, targets in edges.items() if not targets and "ending" not in nodes[config[0]]]
    return [
        *_unreachable(nodes, edges, lines),
        *_dead_ends(nodes, dead, lines),
        *_trapped(nodes, edges, dead, lines),
    ]


def _reachable(compiled: dict[str, Any]) -> Edges | None:
    """Walk breadth first from the start; None once more than MAX_CONFIGURATIONS are reached."""
    first = (compiled["start"], tuple(sorted(compiled["state"].items())))
    seen = {first}
    queue = deque([first])
    edges: Edges = {}
    while queue:
        config = queue.popleft()
        node_id, frozen = config
        state = dict(frozen)
        targets = []
        for _index, choice in offered_choices(compiled["nodes"][node_id], state):
            following = (choice["to"], tuple(sorted({**state, **choice.get("set", {})}.items())))
            targets.append(following)
            if following not in seen:
                seen.add(following)
                queue.append(following)
                if len(seen) > MAX_CONFIGURATIONS:
                    return None
        edges[config] = targets
    return edges


def _unreachable(nodes: dict[str, Any], edges: Edges, lines: dict[str, int]) -> Iterable[tuple[int, str]]:
    reached = {node_id for node_id, _state in edges}
    for node_id in nodes:
        if node_id not in reached:
            message = _("node '%(id)s' cannot be reached: no path from the start leads here in any state", id=node_id)
            yield lines[node_id], message


def _dead_ends(nodes: dict[str, Any], dead: list[Configuration], lines: dict[str, int]) -> Iterable[tuple[int, str]]:
    """A node with choices where none is offered, once, in the first such state; a node without any is no ending,
    which the checker reports while reading it."""
    reported = set()
    for node_id, frozen in sorted(dead):
        if node_id not in reported and nodes[node_id]["choices"]:
            reported.add(node_id)
            shown = ", ".join(f"{k} = {v}" for k, v in frozen) or _("the starting state")
            message = _(
                "node '%(id)s' is a dead end when %(state)s: none of its choices is offered", id=node_id, state=shown
            )
            yield lines[node_id], message


def _trapped(
    nodes: dict[str, Any], edges: Edges, dead: list[Configuration], lines: dict[str, int]
) -> Iterable[tuple[int, str]]:
    """Nodes in a configuration from which no ending is reachable, and which no dead end already explains."""
    reverse: Edges = {}
    for config, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(config)
    can_end = _leading_to([config for config in edges if "ending" in nodes[config[0]]], reverse)
    explained = _leading_to(dead, reverse)
    for node_id in sorted({config[0] for config in edges if config not in can_end and config not in explained}):
        message = _(
            "node '%(id)s' is in a loop that cannot be left: no choice from here ever reaches an ending", id=node_id
        )
        yield lines[node_id], message


def _leading_to(ends: list[Configuration], reverse: Edges) -> set[Configuration]:
    """The configurations from which some path reaches one of `ends` (those included)."""
    found, pending = set(ends), list(ends)
    while pending:
        for previous in reverse.get(pending.pop(), ()):
            if previous not in found:
                found.add(previous)
                pending.append(previous)
    return found
