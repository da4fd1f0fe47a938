"""waitlist follow-ups: who was still waiting when a session started, and the next
matching class offered to them

`waitlist_followups`: one row per booking still on the waiting list at its session's
start (desk.events.followups): the class offered (or none), and whether it was taken.

Revision ID: 7c41e9a2d6b3
Revises: 3f07a8a44d3e
Create Date: 2026-12-07 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c41e9a2d6b3'
down_revision = '3f07a8a44d3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('waitlist_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('target_session_id', sa.Integer(), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('none', 'open', 'taken', 'declined', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('seats BETWEEN 1 AND 3', name=op.f('ck_waitlist_followups_seats')),
    sa.CheckConstraint("state IN ('none', 'open') OR decided_dt IS NOT NULL", name=op.f('ck_waitlist_followups_decided_dt')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_waitlist_followups_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_waitlist_followups_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_session_id'], ['sessions.id'], name=op.f('fk_waitlist_followups_target_session_id_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_followups'))
    )
    with op.batch_alter_table('waitlist_followups', schema=None) as batch_op:
        batch_op.create_index('uq_waitlist_followups_booking', ['booking_id'], unique=True)
        batch_op.create_index('ix_waitlist_followups_session', ['session_id'], unique=False)
        batch_op.create_index('ix_waitlist_followups_target', ['target_session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('waitlist_followups', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_followups_target')
        batch_op.drop_index('ix_waitlist_followups_session')
        batch_op.drop_index('uq_waitlist_followups_booking')

    op.drop_table('waitlist_followups')
