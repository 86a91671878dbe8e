"""privacy: the access log students read, deletion requests awaiting approval, class end dates, and the last
sign-in and unused-account flag that retention needs; anonymous placeholders for a class's statistics

Revision ID: 0010_privacy
Revises: 0009_answer_marks
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_privacy"
down_revision = "0009_answer_marks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("inactive_warned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("placeholder", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("classrooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("deletion_needs_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "record_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("viewer_name", sa.String(length=120), nullable=False),
        sa.Column("viewer_role", sa.String(length=20), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["viewer_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("record_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_views_student_id"), ["student_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_views_viewed_at"), ["viewed_at"], unique=False)

    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )


def downgrade():
    op.drop_table("deletion_requests")
    with op.batch_alter_table("record_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_views_viewed_at"))
        batch_op.drop_index(batch_op.f("ix_record_views_student_id"))
    op.drop_table("record_views")
    with op.batch_alter_table("classrooms", schema=None) as batch_op:
        batch_op.drop_column("deletion_needs_approval")
        batch_op.drop_column("ends_on")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("placeholder")
        batch_op.drop_column("inactive_warned_at")
        batch_op.drop_column("last_seen_at")
