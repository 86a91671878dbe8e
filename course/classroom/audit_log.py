"""The audit trail for administrators: who did what to what, and when, a page at a time and filtered by kind, and
the same as CSV. Reading the log first erases client addresses older than the limit (course/audit.py)."""

import csv
import io
from datetime import UTC, datetime

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import Select, select

from course.audit import ACTIONS, GROUPS, action_label, labels_for_reading, purge_addresses
from course.classroom import bp
from course.classroom.access import admin_required
from course.classroom.reports import spreadsheet_safe
from course.extensions import db
from course.models import AuditEvent

EVENTS_PER_PAGE = 50


def _kind() -> str:
    """The kind asked for: a group ('course') or one action ('course.deleted'); anything else means all kinds."""
    kind = request.args.get("kind", "")
    return kind if kind in GROUPS or kind in ACTIONS else ""


def _events(kind: str) -> Select:
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if kind in GROUPS:
        query = query.where(AuditEvent.action.in_(list(GROUPS[kind])))
    elif kind:
        query = query.where(AuditEvent.action == kind)
    return query


def _purge_old_addresses() -> None:
    if purge_addresses():
        db.session.commit()


@bp.route("/teach/admin/audit")
@admin_required
def audit_log():
    """The newest events first, fifty to a page, in three queries whatever the size of the log."""
    _purge_old_addresses()
    kind = _kind()
    page = db.paginate(
        _events(kind), page=request.args.get("page", 1, type=int), per_page=EVENTS_PER_PAGE, error_out=False
    )
    groups, group_labels, actions = labels_for_reading()
    return render_template(
        "classroom/audit_log.html", page=page, kind=kind, actions=actions, groups=groups, group_labels=group_labels
    )


@bp.route("/teach/admin/audit.csv")
@admin_required
def audit_log_csv():
    """Every event of the chosen kind as CSV, streamed in batches so a long log never sits in memory at once."""
    _purge_old_addresses()
    query = _events(_kind()).execution_options(yield_per=500)

    # Headers in the reader's language; the Kind column keeps the stable action keys for filtering.
    header = [_("Time (UTC)"), _("Action"), _("Kind"), _("Actor"), _("Target"), _("Detail"), _("Client address")]

    def rows():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        yield "\ufeff" + out.getvalue()
        for event in db.session.scalars(query):
            out.seek(0)
            out.truncate()
            writer.writerow(
                [
                    spreadsheet_safe(cell)
                    for cell in (
                        event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                        action_label(event.action),
                        event.action,
                        event.actor_name,
                        event.target,
                        event.detail,
                        event.address or "",
                    )
                ]
            )
            yield out.getvalue()

    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{day}.csv"', "Cache-Control": "no-store"},
    )
