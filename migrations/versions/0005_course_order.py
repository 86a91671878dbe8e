"""courses: an order in the catalog that instructors set

Revision ID: 0005_course_order
Revises: 0004_classes
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_course_order"
down_revision = "0004_classes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("position")
