"""answer_marks: an instructor's mark and feedback for an answer graded by hand (an essay)

Revision ID: 0009_answer_marks
Revises: 0008_course_owners_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_answer_marks"
down_revision = "0008_course_owners_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("points", sa.Double(), nullable=False),
        sa.Column("feedback_markdown", sa.Text(), nullable=False),
        sa.Column("feedback_html", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["marked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "question_key"),
    )


def downgrade():
    op.drop_table("answer_marks")
