"""opt-outs per channel (SMS, calls, e-mail) with who set them; the access log

Revision ID: 6605b67d49d6
Revises: 5e1a7c3b9d20
Create Date: 2026-12-07 06:30:00.000000

Every opt-out recorded so far came from an SMS reply (STOP / 停止) or from Twilio's
error 21610, which blocks SMS only: they become SMS opt-outs. Going back down keeps
the SMS opt-outs and drops those of calls and e-mail, which the old table cannot hold.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '6605b67d49d6'
down_revision = '5e1a7c3b9d20'
branch_labels = None
depends_on = None

CHANNELS = ('sms', 'voice', 'email')
OLD_SOURCES = ('sms_reply', 'provider', 'staff')
SOURCES = OLD_SOURCES + ('phone_key',)


def _in(column, values):
    return "%s IN (%s)" % (column, ", ".join(f"'{value}'" for value in values))


def upgrade():
    with op.batch_alter_table('opt_outs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
    op.execute("UPDATE opt_outs SET channel = 'sms'")
    with op.batch_alter_table('opt_outs', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=5), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_opt_outs_channel'),
                                         _in('channel', CHANNELS))
        batch_op.drop_constraint(batch_op.f('ck_opt_outs_source'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_opt_outs_source'),
                                         _in('source', SOURCES))
        batch_op.drop_constraint(batch_op.f('uq_opt_outs_address'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_opt_outs_address_channel'),
                                          ['address', 'channel'])
        batch_op.create_foreign_key(batch_op.f('fk_opt_outs_actor_id_users'), 'users',
                                    ['actor_id'], ['id'], ondelete='SET NULL')

    op.create_table('access_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_access_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_entries'))
    )
    with op.batch_alter_table('access_entries', schema=None) as batch_op:
        batch_op.create_index('ix_access_entries_created_dt', ['created_dt'], unique=False)
        batch_op.create_index('ix_access_entries_actor_id', ['actor_id', 'created_dt'], unique=False)

    op.create_table('access_entry_objects',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['access_entries.id'], name=op.f('fk_access_entry_objects_entry_id_access_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'object_id', name=op.f('pk_access_entry_objects'))
    )
    with op.batch_alter_table('access_entry_objects', schema=None) as batch_op:
        batch_op.create_index('ix_access_entry_objects_object_id', ['object_id'], unique=False)


def downgrade():
    with op.batch_alter_table('access_entry_objects', schema=None) as batch_op:
        batch_op.drop_index('ix_access_entry_objects_object_id')
    op.drop_table('access_entry_objects')
    with op.batch_alter_table('access_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_access_entries_actor_id')
        batch_op.drop_index('ix_access_entries_created_dt')
    op.drop_table('access_entries')

    op.execute("DELETE FROM opt_outs WHERE channel <> 'sms'")
    with op.batch_alter_table('opt_outs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opt_outs_actor_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_opt_outs_address_channel'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_opt_outs_address'), ['address'])
        batch_op.drop_constraint(batch_op.f('ck_opt_outs_source'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_opt_outs_source'),
                                         _in('source', OLD_SOURCES))
        batch_op.drop_constraint(batch_op.f('ck_opt_outs_channel'), type_='check')
        batch_op.drop_column('actor_id')
        batch_op.drop_column('channel')
