"""English titles and notes for sessions and series

`sessions.title_en`, `sessions.notes_en`, `session_series.title_en` and
`session_series.notes_en`: a session's (or a series') own title and notes in English,
for English pages, messages and calendar files. Optional: existing rows get none, and
English readers see the Japanese title and notes until a coordinator enters the English
ones (desk.core.i18n.in_reader_language).

Revision ID: 4d7a2b9e6c13
Revises: 3c8e2f71a5d4
Create Date: 2026-12-07 09:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '4d7a2b9e6c13'
down_revision = '3c8e2f71a5d4'
branch_labels = None
depends_on = None

TABLES = ('sessions', 'session_series')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('title_en', sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column('notes_en', sa.Text(), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('notes_en')
            batch_op.drop_column('title_en')
