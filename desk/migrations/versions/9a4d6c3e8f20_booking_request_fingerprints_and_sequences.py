"""bookings: request fingerprints; calendar SEQUENCE counters for sessions and bookings

`bookings.request_fingerprint`: the keyed hash of what the request that made a booking
asked for; a request repeating its key is the same request only when it matches. A
booking made before has none, so its key is never answered again (a retry of such an
old request is refused, which reveals nothing).

`sessions.sequence` + `bookings.sequence` is a booking's calendar SEQUENCE from now on.
It was the number of seconds from 2020-01-01 to the last change of the session or the
booking; each booking starts at that value, so that no calendar sees SEQUENCE go down.

Revision ID: 9a4d6c3e8f20
Revises: 5e1c0a7d2b91
Create Date: 2026-12-07 06:40:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9a4d6c3e8f20'
down_revision = '5e1c0a7d2b91'
branch_labels = None
depends_on = None

SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
BATCH = 1000

sessions = sa.table('sessions', sa.column('id', sa.Integer),
                    sa.column('updated_dt', sa.DateTime(timezone=True)))
bookings = sa.table('bookings', sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
                    sa.column('created_dt', sa.DateTime(timezone=True)),
                    sa.column('booked_dt', sa.DateTime(timezone=True)),
                    sa.column('cancelled_dt', sa.DateTime(timezone=True)),
                    sa.column('sequence', sa.Integer))


def _utc(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _old_sequence(*moments):
    last = max(_utc(moment) for moment in moments if moment is not None)
    return max(0, int((last - SEQUENCE_EPOCH).total_seconds()))


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_fingerprint', sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0',
                                      nullable=False))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(bookings.c.id, sessions.c.updated_dt, bookings.c.created_dt,
                  bookings.c.booked_dt, bookings.c.cancelled_dt)
        .join(sessions, sessions.c.id == bookings.c.session_id)).all()
    values = [{"booking_id": row[0], "value": _old_sequence(*row[1:])} for row in rows]
    statement = (bookings.update().where(bookings.c.id == sa.bindparam('booking_id'))
                 .values(sequence=sa.bindparam('value')))
    for start in range(0, len(values), BATCH):
        connection.execute(statement, values[start:start + BATCH])


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('sequence')
        batch_op.drop_column('request_fingerprint')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('sequence')
