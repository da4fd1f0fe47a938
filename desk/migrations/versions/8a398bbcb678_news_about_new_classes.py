"""news about new classes

`news_subscriptions`: a resident who asked to hear about new classes (topics, districts,
channel, consent: when, how, who recorded it; the token of the stop link; when and how
it stopped). `news_digests`: one per period (unique), which makes the digest run once.
`news_deliveries`: what one digest told one subscriber (desk.events.news_digest).

Revision ID: 8a398bbcb678
Revises: e20d98f8951c
Create Date: 2026-12-07 15:15:20.566649

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8a398bbcb678'
down_revision = 'e20d98f8951c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('since_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('session_count', sa.Integer(), nullable=False),
    sa.Column('delivery_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_digests')),
    sa.UniqueConstraint('period', name=op.f('uq_news_digests_period'))
    )
    op.create_table('news_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('sms', 'voice', 'email', name='channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('topic_list', sa.String(length=200), nullable=False),
    sa.Column('district_list', sa.String(length=200), nullable=False),
    sa.Column('token', sa.String(length=12), nullable=False),
    sa.Column('consent_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consent_method', sa.Enum('web', 'kiosk', 'phone_staff', 'paper', 'phone_line', name='consent_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consent_actor_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stop_source', sa.Enum('sms_reply', 'link', 'staff', 'merged', 'erased', name='stop_source', native_enum=False, create_constraint=True), nullable=True),
    sa.CheckConstraint("topic_list <> ''", name=op.f('ck_news_subscriptions_has_topic')),
    sa.CheckConstraint('(stopped_dt IS NULL) = (stop_source IS NULL)', name=op.f('ck_news_subscriptions_stop_recorded')),
    sa.ForeignKeyConstraint(['consent_actor_id'], ['users.id'], name=op.f('fk_news_subscriptions_consent_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_news_subscriptions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_subscriptions')),
    sa.UniqueConstraint('token', name=op.f('uq_news_subscriptions_token'))
    )
    with op.batch_alter_table('news_subscriptions', schema=None) as batch_op:
        batch_op.create_index('uq_news_subscriptions_active_person', ['person_id'], unique=True, sqlite_where=sa.text('stopped_dt IS NULL'), postgresql_where=sa.text('stopped_dt IS NULL'))
        batch_op.create_index('ix_news_subscriptions_person_id', ['person_id'], unique=False)

    op.create_table('news_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('session_list', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['news_digests.id'], name=op.f('fk_news_deliveries_digest_id_news_digests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['news_subscriptions.id'], name=op.f('fk_news_deliveries_subscription_id_news_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_deliveries')),
    sa.UniqueConstraint('digest_id', 'subscription_id', name=op.f('uq_news_deliveries_digest_id_subscription_id'))
    )
    with op.batch_alter_table('news_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_news_deliveries_subscription_id', ['subscription_id'], unique=False)



def downgrade():
    with op.batch_alter_table('news_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_news_deliveries_subscription_id')

    op.drop_table('news_deliveries')
    with op.batch_alter_table('news_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_news_subscriptions_person_id')
        batch_op.drop_index('uq_news_subscriptions_active_person', sqlite_where=sa.text('stopped_dt IS NULL'), postgresql_where=sa.text('stopped_dt IS NULL'))

    op.drop_table('news_subscriptions')
    op.drop_table('news_digests')
