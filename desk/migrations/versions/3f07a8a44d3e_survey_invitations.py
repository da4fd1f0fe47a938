"""the online survey the day after a class

`bookings.survey_consent`: the person agreed, when booking, to one short survey after
attending. `survey_invitations`: one per attended booking that agreed: the secret of its
short link, until when it may be answered, and the answers (desk.events.models).

Revision ID: 3f07a8a44d3e
Revises: 95855bc6ecee
Create Date: 2026-12-07 15:12:32.209808

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f07a8a44d3e'
down_revision = '95855bc6ecee'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=12), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('useful', sa.Integer(), nullable=True),
    sa.Column('will_use', sa.Enum('yes', 'maybe', 'no', name='will_use', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('next_topic', sa.Enum('basics', 'calls_camera', 'internet', 'maps', 'line', 'my_number', 'mynaportal', 'cashless', 'scam_protection', 'apps', 'other', name='next_topic', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('next_text', sa.String(length=200), nullable=True),
    sa.CheckConstraint('answered_dt IS NOT NULL OR (useful IS NULL AND will_use IS NULL AND next_topic IS NULL AND next_text IS NULL)', name=op.f('ck_survey_invitations_answers_answered')),
    sa.CheckConstraint('useful IS NULL OR useful BETWEEN 1 AND 5', name=op.f('ck_survey_invitations_useful')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_survey_invitations_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_survey_invitations_booking_id')),
    sa.UniqueConstraint('token', name=op.f('uq_survey_invitations_token'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_consent', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('survey_consent')

    op.drop_table('survey_invitations')
