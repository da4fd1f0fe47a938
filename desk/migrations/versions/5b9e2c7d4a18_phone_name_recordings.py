"""new callers of the phone line: names to confirm and their recordings

`people.name_to_confirm`: a person known only by their phone number (a new caller who
booked by saying their name), until a coordinator types the name in.
`phone_name_recordings`: the recording of that name (Twilio's RecordingSid and URL, its
length, what speech recognition heard, the audio once fetched) and when it was
confirmed, deleted here and deleted at Twilio (desk.phone.models).

Revision ID: 5b9e2c7d4a18
Revises: 2b8376f97841
Create Date: 2026-12-07 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b9e2c7d4a18'
down_revision = '2b8376f97841'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_to_confirm', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table('phone_name_recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('recording_sid', sa.String(length=64), nullable=True),
    sa.Column('recording_url', sa.String(length=300), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('hint', sa.String(length=200), nullable=True),
    sa.Column('audio', sa.LargeBinary(), nullable=True),
    sa.Column('audio_type', sa.String(length=40), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('twilio_deleted_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['phone_calls.id'], name=op.f('fk_phone_name_recordings_call_id_phone_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_phone_name_recordings_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_name_recordings')),
    sa.UniqueConstraint('recording_sid', name=op.f('uq_phone_name_recordings_recording_sid'))
    )
    with op.batch_alter_table('phone_name_recordings', schema=None) as batch_op:
        batch_op.create_index('ix_phone_name_recordings_call_id', ['call_id'], unique=False)
        batch_op.create_index('ix_phone_name_recordings_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_phone_name_recordings_created_dt', ['created_dt'], unique=False)


def downgrade():
    with op.batch_alter_table('phone_name_recordings', schema=None) as batch_op:
        batch_op.drop_index('ix_phone_name_recordings_created_dt')
        batch_op.drop_index('ix_phone_name_recordings_person_id')
        batch_op.drop_index('ix_phone_name_recordings_call_id')

    op.drop_table('phone_name_recordings')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('name_to_confirm')
