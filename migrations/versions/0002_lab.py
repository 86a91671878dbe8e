"""lab: saved ID Design Lab designs and graded task submissions

Revision ID: 0002_lab
Revises: 0001_core
Create Date: 2026-11-26

Hand-written to match course/models/lab.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_lab"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lab_designs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("preset", sa.String(length=80), nullable=True),
        sa.Column("task_slug", sa.String(length=80), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("lab_designs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_designs_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lab_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("task_slug", sa.String(length=80), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lab_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_submissions_task_slug"), ["task_slug"], unique=False)
        batch_op.create_index("ix_lab_submissions_user_task", ["user_id", "task_slug"], unique=False)


def downgrade():
    with op.batch_alter_table("lab_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_lab_submissions_user_task")
        batch_op.drop_index(batch_op.f("ix_lab_submissions_task_slug"))
    op.drop_table("lab_submissions")
    with op.batch_alter_table("lab_designs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_designs_user_id"))
    op.drop_table("lab_designs")
