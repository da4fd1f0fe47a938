"""a booking moved to another session keeps its row: where it came from, and when

`bookings.moved_from_session_id`: the session the booking was moved from by its last
move (the move message says "old date -> new date"), `bookings.moved_dt`: when.
See desk.events.bookings.move_booking.

Revision ID: 09396f8be381
Revises: 5b9e2c7d4a18
Create Date: 2026-12-07 15:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '09396f8be381'
down_revision = '5b9e2c7d4a18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moved_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bookings_moved_from_session_id_sessions'),
                                    'sessions', ['moved_from_session_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bookings_moved_from_session_id_sessions'),
                                 type_='foreignkey')
        batch_op.drop_column('moved_dt')
        batch_op.drop_column('moved_from_session_id')
