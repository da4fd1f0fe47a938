"""seat offers: a seat freed close to the start, offered to the waiting list in turn

`seat_offers`: one waitlisted booking's offer of a freed seat, its deadline and what
became of it (desk.events.offers); while open, its seats are held.

Revision ID: 3a71c376f377
Revises: 8a398bbcb678
Create Date: 2026-12-07 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3a71c376f377'
down_revision = '8a398bbcb678'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('seat_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'taken', 'declined', 'expired', 'withdrawn', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('offered_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('seats BETWEEN 1 AND 3', name=op.f('ck_seat_offers_seats')),
    sa.CheckConstraint('expires_dt > offered_dt', name=op.f('ck_seat_offers_expires_after_offer')),
    sa.CheckConstraint("state = 'open' OR decided_dt IS NOT NULL", name=op.f('ck_seat_offers_decided_dt')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_seat_offers_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_seat_offers_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_offers'))
    )
    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.create_index('uq_seat_offers_open_booking', ['booking_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.create_index('ix_seat_offers_session_state', ['session_id', 'state'], unique=False)
        batch_op.create_index('ix_seat_offers_state_expires', ['state', 'expires_dt'], unique=False)


def downgrade():
    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_seat_offers_state_expires')
        batch_op.drop_index('ix_seat_offers_session_state')
        batch_op.drop_index('uq_seat_offers_open_booking')

    op.drop_table('seat_offers')
