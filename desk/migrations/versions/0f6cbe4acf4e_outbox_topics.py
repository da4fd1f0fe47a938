"""outbox rows name their topic, not a feature table

Every outbox row said what it was about with a foreign key per feature table (booking,
session, volunteer, shift, ticket). Now it names a topic the feature chose ("booking",
"shift", "account", "ticket") and that row's id, its recipient of another kind than a
person ("volunteer", "visitor") by id, and the moment after which it must not go out
(`not_after`: what the dispatcher used to look up in the session or shift). Template
and recipient kind are plain strings, checked by the features' registry when a row is
planned. An SMS reply names the topic of the message it answered instead of a booking.
Existing rows are carried over both ways.

Revision ID: 0f6cbe4acf4e
Revises: 2f081eaac798
Create Date: 2026-12-06 23:56:59.122699

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0f6cbe4acf4e'
down_revision = '2f081eaac798'
branch_labels = None
depends_on = None

BOOKING_TEMPLATES = ('booking_confirmed', 'waitlist_confirmed', 'waitlist_promoted',
                     'moved_to_waitlist', 'reminder', 'booking_cancelled', 'session_cancelled',
                     'session_changed')
SHIFT_TEMPLATES = ('shift_reminder', 'shift_changed', 'shift_cancelled', 'shift_cover')
ACCOUNT_TEMPLATES = ('account_invite', 'password_reset')
TEMPLATES = BOOKING_TEMPLATES + SHIFT_TEMPLATES + ACCOUNT_TEMPLATES + ('consult_turn',)
RECIPIENT_KINDS = ('person', 'proxy', 'volunteer', 'visitor')
OLD_COLUMNS = (('booking_id', 'bookings'), ('session_id', 'sessions'),
               ('volunteer_id', 'volunteers'), ('shift_id', 'shifts'),
               ('ticket_id', 'consult_tickets'))


def _in(column, values):
    return "%s IN (%s)" % (column, ", ".join(f"'{value}'" for value in values))


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('topic', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('topic_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('not_after', sa.DateTime(timezone=True), nullable=True))

    op.execute(f"UPDATE outbox_messages SET topic = CASE "
               f"WHEN {_in('template', SHIFT_TEMPLATES)} THEN 'shift' "
               f"WHEN {_in('template', ACCOUNT_TEMPLATES)} THEN 'account' "
               f"WHEN template = 'consult_turn' THEN 'ticket' ELSE 'booking' END")
    op.execute("UPDATE outbox_messages SET topic_id = booking_id WHERE topic = 'booking'")
    op.execute("UPDATE outbox_messages SET topic_id = shift_id WHERE topic = 'shift'")
    op.execute("UPDATE outbox_messages SET topic_id = ticket_id WHERE topic = 'ticket'")
    op.execute("UPDATE outbox_messages SET topic_id = (SELECT user_id FROM volunteers "
               "WHERE volunteers.id = outbox_messages.volunteer_id) WHERE topic = 'account'")
    op.execute("UPDATE outbox_messages SET recipient_id = volunteer_id "
               "WHERE recipient_kind = 'volunteer'")
    op.execute("UPDATE outbox_messages SET recipient_id = ticket_id "
               "WHERE recipient_kind = 'visitor'")
    # what the dispatcher looked up until now: the session's start, a shift's start (a
    # call for cover: its end), a visitor's session's end
    op.execute("UPDATE outbox_messages SET not_after = (SELECT start_dt FROM sessions "
               "WHERE sessions.id = outbox_messages.session_id) WHERE topic = 'booking'")
    op.execute("UPDATE outbox_messages SET not_after = (SELECT CASE WHEN "
               "outbox_messages.template = 'shift_cover' THEN shifts.end_dt "
               "ELSE shifts.start_dt END FROM shifts "
               "WHERE shifts.id = outbox_messages.shift_id) WHERE topic = 'shift'")
    op.execute("UPDATE outbox_messages SET not_after = (SELECT end_dt FROM sessions "
               "WHERE sessions.id = outbox_messages.session_id) WHERE topic = 'ticket'")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('topic', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_recipient_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_template'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_recipient'), type_='check')
        batch_op.alter_column('recipient_kind', existing_type=sa.VARCHAR(length=9),
                              type_=sa.String(length=16), existing_nullable=False)
        batch_op.alter_column('template', existing_type=sa.VARCHAR(length=18),
                              type_=sa.String(length=32), existing_nullable=False)
        for column, table in OLD_COLUMNS:
            batch_op.drop_index(batch_op.f(f'ix_outbox_messages_{column}'))
            batch_op.drop_constraint(batch_op.f(f'fk_outbox_messages_{column}_{table}'),
                                     type_='foreignkey')
            batch_op.drop_column(column)
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_recipient'),
            "person_id IS NOT NULL OR proxy_id IS NOT NULL OR recipient_id IS NOT NULL "
            "OR state <> 'queued'")
        batch_op.create_index('ix_outbox_messages_recipient', ['recipient_kind', 'recipient_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_topic', ['topic', 'topic_id'], unique=False)

    with op.batch_alter_table('sms_replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('topic_id', sa.Integer(), nullable=True))
    op.execute("UPDATE sms_replies SET topic = 'booking', topic_id = booking_id "
               "WHERE booking_id IS NOT NULL")
    with op.batch_alter_table('sms_replies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sms_replies_booking_id_bookings'), type_='foreignkey')
        batch_op.drop_column('booking_id')


def downgrade():
    with op.batch_alter_table('sms_replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('booking_id', sa.INTEGER(), nullable=True))
    op.execute("UPDATE sms_replies SET booking_id = topic_id WHERE topic = 'booking' "
               "AND topic_id IN (SELECT id FROM bookings)")
    with op.batch_alter_table('sms_replies', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_sms_replies_booking_id_bookings'), 'bookings', ['booking_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('topic_id')
        batch_op.drop_column('topic')

    # the old schema knows only these templates and recipients
    op.execute(f"DELETE FROM outbox_messages WHERE NOT ({_in('template', TEMPLATES)}) "
               f"OR NOT ({_in('recipient_kind', RECIPIENT_KINDS)})")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        for column, _table in OLD_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.INTEGER(), nullable=True))

    op.execute("UPDATE outbox_messages SET booking_id = topic_id WHERE topic = 'booking' "
               "AND topic_id IN (SELECT id FROM bookings)")
    op.execute("UPDATE outbox_messages SET session_id = (SELECT session_id FROM bookings "
               "WHERE bookings.id = outbox_messages.booking_id) WHERE topic = 'booking'")
    op.execute("UPDATE outbox_messages SET shift_id = topic_id WHERE topic = 'shift' "
               "AND topic_id IN (SELECT id FROM shifts)")
    op.execute("UPDATE outbox_messages SET session_id = (SELECT session_id FROM shifts "
               "WHERE shifts.id = outbox_messages.shift_id) WHERE topic = 'shift'")
    op.execute("UPDATE outbox_messages SET volunteer_id = recipient_id "
               "WHERE recipient_kind = 'volunteer' AND recipient_id IN (SELECT id FROM volunteers)")
    op.execute("UPDATE outbox_messages SET ticket_id = topic_id WHERE topic = 'ticket' "
               "AND topic_id IN (SELECT id FROM consult_tickets)")
    op.execute("UPDATE outbox_messages SET session_id = (SELECT session_id FROM consult_tickets "
               "WHERE consult_tickets.id = outbox_messages.ticket_id) WHERE topic = 'ticket'")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_topic')
        batch_op.drop_index('ix_outbox_messages_recipient')
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_recipient'), type_='check')
        for column, table in OLD_COLUMNS:
            batch_op.create_foreign_key(batch_op.f(f'fk_outbox_messages_{column}_{table}'), table, [column], ['id'], ondelete='SET NULL')
            batch_op.create_index(batch_op.f(f'ix_outbox_messages_{column}'), [column], unique=False)
        batch_op.alter_column('template', existing_type=sa.String(length=32),
                              type_=sa.VARCHAR(length=18), existing_nullable=False)
        batch_op.alter_column('recipient_kind', existing_type=sa.String(length=16),
                              type_=sa.VARCHAR(length=9), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_recipient_kind'),
                                         _in('recipient_kind', RECIPIENT_KINDS))
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_template'),
                                         _in('template', TEMPLATES))
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_recipient'),
            "person_id IS NOT NULL OR proxy_id IS NOT NULL OR volunteer_id IS NOT NULL "
            "OR ticket_id IS NOT NULL OR state <> 'queued'")
        batch_op.drop_column('not_after')
        batch_op.drop_column('topic_id')
        batch_op.drop_column('topic')
        batch_op.drop_column('recipient_id')
