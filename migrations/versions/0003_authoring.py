"""authoring: revision history of lessons and quizzes

Revision ID: 0003_authoring
Revises: 0002_lab
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_authoring'
down_revision = '0002_lab'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.CheckConstraint('(lesson_id IS NULL) <> (quiz_id IS NULL)', name='ck_revisions_one_item'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisions_quiz_id'), ['quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_quiz_id'))
        batch_op.drop_index(batch_op.f('ix_revisions_lesson_id'))

    op.drop_table('revisions')
