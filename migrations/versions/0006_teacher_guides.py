"""modules: a teacher's guide for instructors, as written and rendered

Revision ID: 0006_teacher_guides
Revises: 0005_course_order
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_teacher_guides"
down_revision = "0005_course_order"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teacher_guide", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column("teacher_guide_html", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.drop_column("teacher_guide_html")
        batch_op.drop_column("teacher_guide")
