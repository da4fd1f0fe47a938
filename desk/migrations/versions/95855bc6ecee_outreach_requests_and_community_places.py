"""outreach requests and community places

`venues.kind`: a city venue or a community place (自治会館, a care facility's hall),
where outreach classes are held. `outreach_requests`: a group's request for an outreach
class, its contact person, place, preferred dates, status and the class scheduled from it.

Revision ID: 95855bc6ecee
Revises: 3a71c376f377
Create Date: 2026-12-07 15:12:07.600368

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '95855bc6ecee'
down_revision = '3a71c376f377'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outreach_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('received', 'arranging', 'scheduled', 'declined', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source', sa.Enum('web', 'staff', name='source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('group_name', sa.String(length=200), nullable=False),
    sa.Column('group_kind', sa.Enum('neighbourhood', 'senior_club', 'care_facility', 'apartment', 'other', name='group_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_kana', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('reply_channel', sa.Enum('sms', 'voice', 'email', name='reply_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('place_name', sa.String(length=100), nullable=False),
    sa.Column('place_address', sa.String(length=200), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('preferred_date_1', sa.Date(), nullable=False),
    sa.Column('preferred_date_2', sa.Date(), nullable=True),
    sa.Column('preferred_date_3', sa.Date(), nullable=True),
    sa.Column('preferred_times', sa.String(length=200), nullable=True),
    sa.Column('expected_count', sa.Integer(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('devices', sa.JSON(), nullable=False),
    sa.Column('needs_hearing', sa.Boolean(), nullable=False),
    sa.Column('needs_wheelchair', sa.Boolean(), nullable=False),
    sa.Column('needs_notes', sa.String(length=500), nullable=True),
    sa.Column('decline_reason', sa.Enum('dates_unavailable', 'outside_city', 'too_few', 'other', name='decline_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('received_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('contact_removed_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name=op.f('ck_outreach_requests_declined_with_reason')),
    sa.CheckConstraint('expected_count BETWEEN 1 AND 200', name=op.f('ck_outreach_requests_expected_count')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_outreach_requests_district_id_districts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['venues.id'], name=op.f('fk_outreach_requests_place_id_venues'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_outreach_requests_session_id_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_requests'))
    )
    with op.batch_alter_table('outreach_requests', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_requests_session_id', ['session_id'], unique=False)
        batch_op.create_index('ix_outreach_requests_status', ['status', 'received_dt'], unique=False)

    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('city', 'community', name='kind', native_enum=False, create_constraint=True), server_default='city', nullable=False))



def downgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_venues_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('outreach_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_outreach_requests_status')
        batch_op.drop_index('ix_outreach_requests_session_id')

    op.drop_table('outreach_requests')
