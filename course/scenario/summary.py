"""What a class did in a scenario lesson, as counts only: how many students reached each ending, and the paths
most of them took. Pure functions, tested without Flask; below the minimum number of students nothing is shown,
and a path only one student took is never shown on its own."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

TOP_PATHS = 5


@dataclass
class EndingCount:
    node: str
    title: str
    first: int  # students whose first finished attempt reached it
    any: int  # students who reached it in any attempt


@dataclass
class PathCount:
    titles: list[str]
    ending: str
    students: int


@dataclass
class ScenarioSummary:
    lesson_slug: str
    lesson_title: str
    students: int  # students with at least one finished attempt
    shown: bool
    endings: list[EndingCount] = field(default_factory=list)
    paths: list[PathCount] = field(default_factory=list)
    other_paths: int = 0  # students whose path nobody else in the class took


def summarise(
    lesson_slug: str,
    lesson_title: str,
    compiled: dict[str, Any],
    attempts: list[tuple[int, int, str, list[str]]],
    min_students: int,
) -> ScenarioSummary:
    """`attempts` are finished attempts as (user id, number, ending node, node ids of the path)."""
    first: dict[int, tuple[int, str, tuple[str, ...]]] = {}
    reached: dict[str, set[int]] = {}
    for user_id, number, ending, nodes in attempts:
        reached.setdefault(ending, set()).add(user_id)
        if user_id not in first or number < first[user_id][0]:
            first[user_id] = (number, ending, (*nodes, ending))
    summary = ScenarioSummary(lesson_slug, lesson_title, len(first), len(first) >= min_students)
    if not summary.shown:
        return summary
    nodes = compiled["nodes"]
    first_endings = Counter(ending for _number, ending, _path in first.values())
    for node_id, node in nodes.items():
        if "ending" in node:
            summary.endings.append(
                EndingCount(node_id, node["ending"], first_endings[node_id], len(reached.get(node_id, ())))
            )
    paths = Counter(path for _number, _ending, path in first.values())
    for path, count in paths.most_common():
        if count < 2:
            summary.other_paths += count
        elif len(summary.paths) < TOP_PATHS:
            titles = [nodes.get(node_id, {}).get("title", node_id) for node_id in path[:-1]]
            summary.paths.append(PathCount(titles, nodes.get(path[-1], {}).get("ending", path[-1]), count))
        else:
            summary.other_paths += count
    return summary
