"""user language: the interface language an account chose (none: the browser's, else the site's default)

Revision ID: 0012_user_language
Revises: 0011_scenarios
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_user_language"
down_revision = "0011_scenarios"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
