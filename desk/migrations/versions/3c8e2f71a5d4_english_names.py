"""English names for venues, districts and programs

`venues.name_en`, `venues.short_name_en` (the name an English text message gives),
`venues.accessibility_notes_en`, `districts.name_en`, `programs.description_en` and `programs.what_to_bring_en`: what
English pages, messages and calendar files show (`programs.title_en` was there already).
All are optional: existing rows get none, and English readers see the Japanese text
until a coordinator enters the English one (desk.core.i18n.in_reader_language).

Revision ID: 3c8e2f71a5d4
Revises: 9a4d6c3e8f20
Create Date: 2026-12-07 09:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c8e2f71a5d4'
down_revision = '9a4d6c3e8f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=50), nullable=True))
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('short_name_en', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('accessibility_notes_en', sa.Text(), nullable=True))
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('what_to_bring_en', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('what_to_bring_en')
        batch_op.drop_column('description_en')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('accessibility_notes_en')
        batch_op.drop_column('short_name_en')
        batch_op.drop_column('name_en')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('name_en')
