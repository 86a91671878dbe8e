"""classes: a course per class, one-time passwords, roster lookups by class

Revision ID: 0004_classes
Revises: 0003_authoring
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_classes'
down_revision = '0003_authoring'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_classrooms_course_id'), ['course_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_classrooms_course_id_courses', 'courses', ['course_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_classroom_id'), ['classroom_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_classroom_id'))

    with op.batch_alter_table('classrooms', schema=None) as batch_op:
        batch_op.drop_constraint('fk_classrooms_course_id_courses', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_classrooms_course_id'))
        batch_op.drop_column('course_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
