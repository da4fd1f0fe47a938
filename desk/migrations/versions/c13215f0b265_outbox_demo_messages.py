"""outbox: demo messages, logged and never handed to a provider

Revision ID: c13215f0b265
Revises: 0f6cbe4acf4e
Create Date: 2026-12-07 05:11:36.504606

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c13215f0b265'
down_revision = '0f6cbe4acf4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_demo', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('is_demo')
