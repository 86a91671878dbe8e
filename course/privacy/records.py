"""Everything Lanyard holds about one account, found from the schema itself: every row of every personal table
that points at the account (any foreign key to users.id), plus the marks and summaries of its attempts and the
security-log entries naming it. One query per table, whatever the account holds. The data page and the export read
this."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response, render_template
from flask_babel import gettext
from sqlalchemy import Table, or_, select

from course.audit import describe
from course.extensions import db
from course.models import Attempt, Classroom, Enrollment, Lesson, LessonProgress, Quiz, User
from course.models.users import utcnow
from course.privacy.declarations import TableDeclaration, personal_tables


def _conditions(table: Table, user: User) -> list:
    """How a row of this table is about the account."""
    conditions = [
        column == user.id
        for column in table.columns
        if any(key.column.table.name == "users" and key.column.name == "id" for key in column.foreign_keys)
    ]
    if table.name == "users":
        conditions.append(table.c.id == user.id)
    if table.name in ("answer_marks", "attempt_summaries"):
        conditions.append(table.c.attempt_id.in_(select(Attempt.id).where(Attempt.user_id == user.id)))
    if table.name == "audit_events":
        conditions.append(table.c.target == describe(user))
    return conditions


def _exportable(table_name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the person gets it back. An attempt's snapshot loses its answer key (`private`): answers never
    leave the server before submission, and the results already say what was right."""
    if table_name == "attempts" and isinstance(row.get("snapshot"), list):
        row["snapshot"] = [{k: v for k, v in question.items() if k != "private"} for question in row["snapshot"]]
    return row


@dataclass
class TableRecords:
    declaration: TableDeclaration
    rows: list[dict[str, Any]]


def records_of(user: User) -> list[TableRecords]:
    """Every personal table, in reading order, with the account's rows (shown columns only), its declarations in
    the reader's language."""
    found = []
    for declared in personal_tables(gettext):
        table = db.metadata.tables[declared.name]
        conditions = _conditions(table, user)
        rows = []
        if conditions:
            columns = [table.c[name] for name in declared.shown_columns]
            query = select(*columns).where(or_(*conditions)).order_by(*table.primary_key.columns)
            rows = [_exportable(declared.name, dict(row._mapping)) for row in db.session.execute(query)]
        found.append(TableRecords(declared, rows))
    return found


def plain(value: Any) -> Any:
    """A value as JSON holds it: times in ISO 8601 (UTC)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def readable_summary(user: User) -> dict[str, Any]:
    """The same records joined to what they are about (class names, lesson and quiz titles), for people."""
    classes = db.session.execute(
        select(Classroom.name, User.display_name, User.username, Enrollment.joined_at)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .outerjoin(User, User.id == Classroom.owner_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.joined_at)
    ).all()
    lessons = db.session.execute(
        select(Lesson.title, LessonProgress.last_viewed_at, LessonProgress.completed_at)
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.last_viewed_at)
    ).all()
    attempts = db.session.execute(
        select(Quiz.title, Attempt)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    ).all()
    return {
        "classes": [
            {"class": name, "instructor": shown or owner or "", "joined_at": joined}
            for name, shown, owner, joined in classes
        ],
        "lessons": [
            {"lesson": title, "last_viewed_at": viewed, "completed_at": done} for title, viewed, done in lessons
        ],
        "attempts": [_readable_attempt(title, attempt) for title, attempt in attempts],
    }


def _readable_attempt(quiz_title: str, attempt: Attempt) -> dict[str, Any]:
    results = attempt.results or []
    questions = []
    for number, asked in enumerate(attempt.snapshot or [], start=1):
        result = results[number - 1] if number - 1 < len(results) else {}
        questions.append(
            {
                "number": number,
                "prompt_html": asked.get("prompt_html", ""),
                "choices": [
                    choice.get("html") or choice.get("text") or ""
                    for choice in (asked.get("public") or {}).get("choices", [])
                    if isinstance(choice, dict)
                ],
                "answer": attempt.responses.get(asked.get("key", ""), "") if attempt.responses else "",
                "points": result.get("points"),
                "max_points": asked.get("points"),
            }
        )
    return {
        "quiz": quiz_title,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "questions": questions,
    }


def export_document(user: User) -> dict[str, Any]:
    """The machine-readable export: every table's rows and the declarations that say why each value is kept."""
    records = records_of(user)
    return {
        "generated_at": utcnow().isoformat(),
        "account": user.username,
        "tables": {
            found.declaration.name: [{k: plain(v) for k, v in row.items()} for row in found.rows] for found in records
        },
        "declarations": {
            found.declaration.name: {
                "title": found.declaration.title,
                "columns": {
                    column.name: {
                        "purpose": column.purpose,
                        "readers": column.readers,
                        "kept": column.kept,
                        "personal": column.personal,
                        "included": column.shown,
                    }
                    for column in found.declaration.columns
                },
            }
            for found in records
        },
    }


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(
                    json.dumps(plain(row[c]), ensure_ascii=False) if isinstance(row[c], dict | list) else plain(row[c])
                )
                for c in columns
            ]
        )
    return "\ufeff" + out.getvalue()


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading quote (the gradebook CSV's rule)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def export_response(user: User) -> Response:
    """The zip as a download, named by the account's number rather than its name."""
    return Response(
        export_zip(user),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="lanyard-data-{user.id}.zip"',
            "Cache-Control": "no-store",
        },
    )


def export_zip(user: User) -> bytes:
    """One zip: README.html (readable), data.json (everything, with the declarations), and a CSV per table."""
    document = export_document(user)
    records = records_of(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.html",
            render_template(
                "auth/data_export.html",
                user=user,
                records=records,
                summary=readable_summary(user),
                generated_at=document["generated_at"],
            ),
        )
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for found in records:
            archive.writestr(f"csv/{found.declaration.name}.csv", _csv(found.rows, found.declaration.shown_columns))
    return buffer.getvalue()
