"""scenarios and scenario_attempts: branching scenario lessons and each student's play-throughs

Revision ID: 0011_scenarios
Revises: 0010_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_scenarios"
down_revision = "0010_privacy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("compiled", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lesson_id"),
    )
    op.create_table(
        "scenario_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=80), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("ending", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "lesson_id", "number"),
    )
    with op.batch_alter_table("scenario_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scenario_attempts_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("scenario_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_attempts_user_id"))
    op.drop_table("scenario_attempts")
    op.drop_table("scenarios")
