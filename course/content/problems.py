"""A content problem: what is wrong and exactly where, so an author can jump to it."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One violation found while checking a course folder, a zip or a GIFT file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when content cannot be loaded; carries every problem found, never just the first."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
