"""Course folders as .zip files, for moving a course between platforms.

A zip from elsewhere is untrusted: every entry is checked (no absolute path, no '..', no link, no duplicate, a
bounded number of files and of uncompressed bytes, so a zip bomb stops early; no lesson, quiz or YAML file above
loader.MAX_TEXT_FILE_BYTES, judged by its declared size and again while it unpacks) before anything is extracted into a
private temporary folder, which the ordinary folder import then reads. Problems come back as a ContentError, paths
named as they are inside the zip, and the database is left as it was.
"""

import io
import os
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from flask_babel import gettext as _

from course.content.importer import ImportGuard, ImportSummary, import_course
from course.content.loader import MAX_TEXT_FILE_BYTES, text_too_large
from course.content.problems import ContentError, ContentProblem

MAX_ZIP_FILES = 2000
MAX_ZIP_BYTES = 200 * 1024 * 1024  # uncompressed; the bundled course is under 1 MiB
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: same course, same bytes
_DRIVE = re.compile(r"^[A-Za-z]:")
_PLATFORM_LITTER = {"__MACOSX", ".DS_Store", "Thumbs.db"}  # added by the zip tools of macOS and Windows
_TEXT_SUFFIXES = (".md", ".yaml", ".yml")  # lessons, quizzes and the course's YAML: read whole and parsed


def course_zip(files: dict[str, bytes]) -> bytes:
    """Zip an exported course folder (course_files) byte for byte reproducibly: sorted entries, fixed times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            if name.endswith("/"):
                entry.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10  # 0x10: the MS-DOS directory flag
            else:
                entry.external_attr = (stat.S_IFREG | 0o644) << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name], compresslevel=9)
    return buffer.getvalue()


def import_course_zip(
    source: str | os.PathLike | IO[bytes],
    name: str,
    *,
    max_files: int = MAX_ZIP_FILES,
    max_bytes: int = MAX_ZIP_BYTES,
    guard: ImportGuard | None = None,
    owner_id: int | None = None,
) -> ImportSummary:
    """Import a course from a zip (a path or an open binary file); `name` is how problems refer to the zip.
    All or nothing: raises ContentError listing every problem and writes nothing if there is one. `guard` and
    `owner_id` are import_course's."""
    with tempfile.TemporaryDirectory(prefix="lanyard-import-") as temporary:
        extracted = Path(temporary) / "zip"
        _extract(source, name, extracted, max_files, max_bytes)
        root = _course_root(extracted)
        if root is None:
            message = _("no lessons/course.yaml in the zip: zip a course folder (lessons/ and quizzes/) or an export")
            raise ContentError([ContentProblem(name, 1, message)])
        try:
            return import_course(root, guard=guard, owner_id=owner_id)
        except ContentError as error:
            raise ContentError([_inside_zip(problem, extracted) for problem in error.problems]) from None


def _extract(source, name: str, target: Path, max_files: int, max_bytes: int) -> None:
    """Check every entry first, then extract, counting the bytes actually written as well as the declared ones."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ContentError([ContentProblem(name, 1, _("is not a zip file"))]) from None
    with archive:
        entries = [entry for entry in archive.infolist() if not _is_litter(entry.filename)]
        problems = [ContentProblem(name, 1, problem) for problem in _archive_problems(entries, max_files, max_bytes)]
        problems += [
            ContentProblem(entry.filename, 1, problem) for entry in entries if (problem := _entry_problem(entry))
        ]
        if problems:
            raise ContentError(problems)
        target.mkdir()
        budget = max_bytes
        for entry in entries:
            destination = target.joinpath(*PurePosixPath(entry.filename).parts)
            if not destination.resolve().is_relative_to(target.resolve()):  # the last guard, whatever slips past
                raise ContentError([ContentProblem(entry.filename, 1, _("points outside the course folder"))])
            try:
                if entry.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry) as packed, destination.open("wb") as unpacked:
                    if _is_text(entry):  # its declared size may lie: stop copying just past the limit
                        if _copy_within(packed, unpacked, MAX_TEXT_FILE_BYTES) < 0:
                            raise ContentError([ContentProblem(entry.filename, 1, text_too_large())])
                        budget -= unpacked.tell()
                    else:
                        budget = _copy_within(packed, unpacked, budget)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else error
                message = _("cannot be unpacked: %(reason)s", reason=reason)
                raise ContentError([ContentProblem(entry.filename, 1, message)]) from None
            if budget < 0:
                raise ContentError([ContentProblem(name, 1, _too_large(max_bytes))])


def _is_litter(filename: str) -> bool:
    return bool(_PLATFORM_LITTER.intersection(PurePosixPath(filename).parts))


def _archive_problems(entries: list[zipfile.ZipInfo], max_files: int, max_bytes: int) -> list[str]:
    problems = []
    if len(entries) > max_files:
        problems.append(_("holds %(count)d entries; at most %(max)d are accepted", count=len(entries), max=max_files))
    if sum(entry.file_size for entry in entries) > max_bytes:
        problems.append(_too_large(max_bytes))
    names = [entry.filename.rstrip("/") for entry in entries]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        problems.append(_("holds '%(name)s' more than once", name=duplicate))
    return problems


def _too_large(max_bytes: int) -> str:
    return _("unpacks to more than %(size)d MiB: refused as a possible zip bomb", size=max_bytes // (1024 * 1024))


def _entry_problem(entry: zipfile.ZipInfo) -> str | None:
    """Why an entry cannot be extracted safely, or None."""
    filename = entry.filename
    if filename.startswith(("/", "\\")) or _DRIVE.match(filename):
        return _("is an absolute path: entries must be relative to the course folder")
    if "\\" in filename or "\0" in filename:
        return _("has a backslash or a NUL character in its name")
    if ".." in PurePosixPath(filename).parts:
        return _("contains '..': entries must stay inside the course folder")
    if stat.S_ISLNK(entry.external_attr >> 16):
        return _("is a symbolic link: only files and folders are accepted")
    if entry.flag_bits & 0x1:
        return _("is encrypted")
    if _is_text(entry) and entry.file_size > MAX_TEXT_FILE_BYTES:
        return text_too_large()
    return None


def _is_text(entry: zipfile.ZipInfo) -> bool:
    return not entry.is_dir() and entry.filename.lower().endswith(_TEXT_SUFFIXES)


def _copy_within(packed: IO[bytes], unpacked: IO[bytes], budget: int) -> int:
    """Copy until the end or until the byte budget is spent; returns what is left (negative when exceeded)."""
    while budget >= 0:
        chunk = packed.read(min(1024 * 1024, budget + 1))
        if not chunk:
            break
        budget -= len(chunk)
        unpacked.write(chunk)
    return budget


def _course_root(extracted: Path) -> Path | None:
    """The course folder: the zip's top level, or its one top-level folder (how most zip tools pack a folder)."""
    if (extracted / "lessons" / "course.yaml").is_file():
        return extracted
    children = list(extracted.iterdir())
    if len(children) == 1 and (children[0] / "lessons" / "course.yaml").is_file():
        return children[0]
    return None


def _inside_zip(problem: ContentProblem, extracted: Path) -> ContentProblem:
    """Name a problem's file by its path inside the zip rather than in the temporary folder."""
    path = Path(os.path.realpath(problem.path))
    try:
        inside = path.relative_to(os.path.realpath(extracted)).as_posix()
    except ValueError:
        return problem
    return ContentProblem(inside, problem.line, problem.message)
