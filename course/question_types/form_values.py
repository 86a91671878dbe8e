"""Editor form values turned into course-format values, shared by the types' `entry_from_form`. Values are kept as
typed when they cannot be read, so the loader names the problem at its field."""

from course.question_types.answers import parse_number, plain_number


def typed(text: str | None) -> str:
    """Text as typed in a browser, with its CRLF line ends made the '\\n' a file has."""
    return (text or "").replace("\r\n", "\n").strip()


def typed_lines(text: str | None) -> list[str]:
    """The non-empty lines of a textarea, each stripped."""
    return [line.strip() for line in typed(text).split("\n") if line.strip()]


def form_number(text: str | None, default: str = ""):
    """A number as typed (8, 8.5, '8,5'); the text itself when it is not one."""
    text = (text or "").strip() or default
    value = parse_number(text)
    return text if value is None else plain_number(value)
