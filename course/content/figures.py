"""Course figures arriving as bytes (an upload, an image embedded in a Moodle XML file): what they are, judged from
the bytes and never the name, what they are called, and storing those a question bank's questions show."""

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath

from flask_babel import gettext as _
from sqlalchemy import select

from course.content.loader import figure_problem
from course.extensions import db
from course.models import Course, Figure

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/svg+xml": ".svg"}
FIGURE_REFERENCE = re.compile(r"figures/([a-z0-9][a-z0-9-]*\.(?:png|jpg|webp|svg))")


def detect_media_type(data: bytes) -> tuple[str | None, str | None]:
    """(media type, None) for an acceptable figure, or (None, why not). Raster types are recognised by their
    signature; anything else must be an SVG that the loader's figure check accepts (no scripts, handlers or
    external references)."""
    for media_type in ("image/png", "image/jpeg", "image/webp"):
        if figure_problem(data, media_type) is None:
            return media_type, None
    if b"<svg" in data[:4096]:
        problem = figure_problem(data, "image/svg+xml")
        return ("image/svg+xml", None) if problem is None else (None, problem)
    return None, _("The file is not a PNG, JPEG, WebP or SVG image (its content was checked, not its name).")


def figure_name(wanted: str, filename: str, media_type: str) -> str | None:
    """The stored name: the given name or the file's, lower-cased, with the extension of what the bytes are."""
    stem = re.sub(r"[^a-z0-9]+", "-", PurePath(wanted.strip() or filename).stem.lower()).strip("-")[:100]
    return f"{stem}{EXTENSIONS[media_type]}" if stem else None


def renamed(name: str, data: bytes) -> str:
    """Another name for a figure whose name is taken by different bytes: its stem and a digest of its bytes."""
    path = PurePath(name)
    return f"{path.stem[:90]}-{hashlib.sha256(data).hexdigest()[:8]}{path.suffix}"


def store_figures(course: Course, figures: Mapping[str, tuple[str, bytes]], texts: Iterable[str]) -> int:
    """Add to the session the figures that `texts` (written questions' Markdown) show and the course lacks; one
    with the same name and bytes is already there. Names were settled by `settle_names`. Returns how many."""
    shown = {name for text in texts for name in FIGURE_REFERENCE.findall(text)}
    wanted = {name: figures[name] for name in shown if name in figures}
    if not wanted:
        return 0
    existing = set(
        db.session.scalars(select(Figure.name).where(Figure.course_id == course.id, Figure.name.in_(wanted)))
    )
    for name, (media_type, data) in wanted.items():
        if name not in existing:
            db.session.add(Figure(course_id=course.id, name=name, media_type=media_type, data=data))
    return len(wanted) - len(existing)


def settle_names(course: Course, figures: dict[str, tuple[str, bytes]]) -> dict[str, str]:
    """Rename (in place) the file's figures whose name the course already uses for different bytes; returns
    {old name: new name}, for the questions' references to follow."""
    if not figures:
        return {}
    stored = dict(
        db.session.execute(
            select(Figure.name, Figure.data).where(Figure.course_id == course.id, Figure.name.in_(figures))
        ).all()
    )
    moves = {
        name: renamed(name, data) for name, (_, data) in figures.items() if name in stored and stored[name] != data
    }
    for old, new in moves.items():
        figures[new] = figures.pop(old)
    return moves
