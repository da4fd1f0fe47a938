"""a coordinator's message to the people of a session

`session_messages`: the note (Japanese, optionally English), whether the waiting list
was told too, its author, when, how many outbox rows it planned, and the compose form's
one-time key that keeps a double submit to one message (desk.events.session_messages).

Revision ID: e20d98f8951c
Revises: 09396f8be381
Create Date: 2026-12-07 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e20d98f8951c'
down_revision = '09396f8be381'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('text_ja', sa.String(length=120), nullable=False),
    sa.Column('text_en', sa.String(length=120), nullable=True),
    sa.Column('includes_waitlist', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(text_ja) > 0', name=op.f('ck_session_messages_text_ja')),
    sa.CheckConstraint('planned >= 0', name=op.f('ck_session_messages_planned')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_session_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_messages_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_session_messages_idempotency_key'))
    )
    with op.batch_alter_table('session_messages', schema=None) as batch_op:
        batch_op.create_index('ix_session_messages_session_id', ['session_id', 'created_dt'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('session_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_session_messages_session_id')

    op.drop_table('session_messages')
