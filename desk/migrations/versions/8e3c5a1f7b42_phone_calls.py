"""phone calls of the automated phone line

`phone_calls`: one row per call to the phone line, keyed by Twilio's CallSid, with the
caller's number (E.164, or none when withheld), the person the call is for, the step
and the choices so far, and how the call ended (desk.phone.models); `simulated` marks
the calls of the phone line simulator.

Revision ID: 8e3c5a1f7b42
Revises: 4d7a2b9e6c13
Create Date: 2026-12-07 10:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8e3c5a1f7b42'
down_revision = '4d7a2b9e6c13'
branch_labels = None
depends_on = None

OUTCOMES = ('in_progress', 'booked', 'cancelled', 'listened', 'transferred', 'hung_up')


def upgrade():
    op.create_table('phone_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=False),
    sa.Column('caller', sa.String(length=20), nullable=True),
    sa.Column('caller_withheld', sa.Boolean(), nullable=False),
    sa.Column('simulated', sa.Boolean(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('turn', sa.Integer(), nullable=False),
    sa.Column('last_digits', sa.String(length=20), nullable=True),
    sa.Column('last_twiml', sa.Text(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Enum(*OUTCOMES, name='phone_call_outcome', native_enum=False,
                                 create_constraint=True, length=11), nullable=False),
    sa.Column('outcome_step', sa.String(length=40), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('started_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_phone_calls_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_phone_calls_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_calls')),
    sa.UniqueConstraint('call_sid', name=op.f('uq_phone_calls_call_sid'))
    )
    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.create_index('ix_phone_calls_booking_id', ['booking_id'], unique=False)
        batch_op.create_index('ix_phone_calls_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_phone_calls_started_dt', ['started_dt'], unique=False)


def downgrade():
    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_phone_calls_started_dt')
        batch_op.drop_index('ix_phone_calls_person_id')
        batch_op.drop_index('ix_phone_calls_booking_id')

    op.drop_table('phone_calls')
