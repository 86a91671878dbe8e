"""attempt summaries: what the class reports need of each submitted attempt, so they never read its snapshot

question_sets holds the questions of a quiz as attempts asked them (once per version of the quiz); attempt_summaries
holds, per submitted attempt, its score, percent and passed, its question set and per question the points earned,
whether it was answered or awaits a mark, and what item analysis counts. Existing submitted attempts are summarised
here from their snapshots, responses, results and instructors' marks, with the code the application summarises new
ones with (course.grading), so both agree; an attempt whose stored snapshot cannot be read as questions is left
without a summary (the reports could not analyse it before either).

Revision ID: 0013_attempt_summaries
Revises: 0012_user_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_attempt_summaries"
down_revision = "0012_user_language"
branch_labels = None
depends_on = None

BATCH = 500

attempts = sa.table(
    "attempts",
    sa.column("id", sa.Integer),
    sa.column("snapshot", sa.JSON),
    sa.column("responses", sa.JSON),
    sa.column("results", sa.JSON),
    sa.column("score", sa.Float),
    sa.column("max_score", sa.Float),
    sa.column("percent", sa.Float),
    sa.column("passed", sa.Boolean),
    sa.column("submitted_at", sa.DateTime),
)
answer_marks = sa.table(
    "answer_marks",
    sa.column("attempt_id", sa.Integer),
    sa.column("question_key", sa.String),
    sa.column("points", sa.Float),
    sa.column("feedback_html", sa.Text),
)
question_sets = sa.table("question_sets", sa.column("digest", sa.String), sa.column("questions", sa.JSON))
attempt_summaries = sa.table(
    "attempt_summaries",
    sa.column("attempt_id", sa.Integer),
    sa.column("question_set", sa.String),
    sa.column("score", sa.Float),
    sa.column("max_score", sa.Float),
    sa.column("percent", sa.Float),
    sa.column("passed", sa.Boolean),
    sa.column("answers", sa.JSON),
)


def upgrade():
    op.create_table(
        "question_sets",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_table(
        "attempt_summaries",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_set", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("max_score", sa.Double(), nullable=False),
        sa.Column("percent", sa.Double(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("attempt_id"),
    )
    backfill(op.get_bind())


def backfill(connection) -> None:
    """Summarise every submitted attempt, a batch at a time so a large school's snapshots never sit in memory at
    once."""
    from course.grading import question_set_digest, summarise_attempt, with_marks

    stored: set[str] = set()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(attempts).where(attempts.c.submitted_at.is_not(None), attempts.c.id > last)
            .order_by(attempts.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        marks: dict[int, dict[str, dict]] = {}
        for mark in connection.execute(
            sa.select(answer_marks).where(answer_marks.c.attempt_id.in_([row.id for row in rows]))
        ):
            marks.setdefault(mark.attempt_id, {})[mark.question_key] = {"points": mark.points,
                                                                        "feedback_html": mark.feedback_html}
        new_sets, summaries = [], []
        for row in rows:
            try:
                graded = with_marks(row.snapshot, row.results or [], marks.get(row.id, {}))
                questions, answers = summarise_attempt(row.snapshot, row.responses or {}, graded.results)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError):
                continue  # not a snapshot of questions: nothing a report could read from it
            digest = question_set_digest(questions)
            if digest not in stored:
                stored.add(digest)
                new_sets.append({"digest": digest, "questions": questions})
            summaries.append({
                "attempt_id": row.id, "question_set": digest,
                "score": graded.score if row.score is None else row.score,
                "max_score": graded.max_score if row.max_score is None else row.max_score,
                "percent": row.percent, "passed": row.passed, "answers": answers,
            })
        if new_sets:
            connection.execute(question_sets.insert(), new_sets)
        if summaries:
            connection.execute(attempt_summaries.insert(), summaries)


def downgrade():
    op.drop_table("attempt_summaries")
    op.drop_table("question_sets")
