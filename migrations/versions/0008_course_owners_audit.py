"""course_owners and audit_events: who may change a course, and the audit trail; existing courses go to the first
administrator

Revision ID: 0008_course_owners_audit
Revises: 0007_user_sessions
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_course_owners_audit"
down_revision = "0007_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_owners",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_id", "user_id"),
    )
    with op.batch_alter_table("course_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_owners_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_created_at"), ["created_at"], unique=False)

    # Data: every course that exists now belongs to the first administrator (none yet: administrators only, until
    # one adds owners). Plain SQL with a bound timestamp, the same on SQLite and PostgreSQL.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO course_owners (course_id, user_id, added_at) "
            "SELECT courses.id, first_admin.id, :now FROM courses "
            "CROSS JOIN (SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1) AS first_admin"
        ),
        {"now": datetime.now(UTC).replace(tzinfo=None)},
    )


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_created_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
    op.drop_table("audit_events")
    with op.batch_alter_table("course_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_owners_user_id"))
    op.drop_table("course_owners")
