"""the steps of each call to the phone line

`phone_call_steps`: one row per answer of a call (desk.phone.path): the turn, the step
whose question was answered, and the answer: one key, several keys (only their count:
a keyed phone number is not kept), silence or speech; deleted with its call.

Revision ID: 2b8376f97841
Revises: 8e3c5a1f7b42
Create Date: 2026-12-07 11:56:15.253267

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '2b8376f97841'
down_revision = '8e3c5a1f7b42'
branch_labels = None
depends_on = None

ANSWERS = ('key', 'keys', 'silence', 'speech')


def upgrade():
    op.create_table('phone_call_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('turn', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('answer', sa.Enum(*ANSWERS, name='phone_call_answer', native_enum=False,
                                create_constraint=True, length=7), nullable=False),
    sa.Column('key', sa.String(length=1), nullable=True),
    sa.Column('key_count', sa.Integer(), nullable=True),
    sa.Column('at_dt', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(answer = 'key') = (key IS NOT NULL)", name=op.f('ck_phone_call_steps_key_of_a_key')),
    sa.CheckConstraint("(answer = 'keys') = (key_count IS NOT NULL)", name=op.f('ck_phone_call_steps_count_of_keys')),
    sa.ForeignKeyConstraint(['call_id'], ['phone_calls.id'], name=op.f('fk_phone_call_steps_call_id_phone_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_call_steps')),
    sa.UniqueConstraint('call_id', 'turn', name=op.f('uq_phone_call_steps_call_id_turn'))
    )


def downgrade():
    op.drop_table('phone_call_steps')
