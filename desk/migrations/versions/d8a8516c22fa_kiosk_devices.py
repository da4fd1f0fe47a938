"""kiosk devices

Revision ID: d8a8516c22fa
Revises: 710d0a96c842
Create Date: 2026-11-27 13:37:08.314916

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd8a8516c22fa'
down_revision = '710d0a96c842'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kiosk_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('setup_code_hash', sa.String(length=64), nullable=True),
    sa.Column('setup_expires_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bound_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_dt', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(setup_code_hash IS NULL) = (setup_expires_dt IS NULL)', name=op.f('ck_kiosk_devices_setup_code_expires')),
    sa.CheckConstraint('revoked_dt IS NULL OR (token_hash IS NULL AND setup_code_hash IS NULL)', name=op.f('ck_kiosk_devices_revoked_cleared')),
    sa.CheckConstraint('token_hash IS NULL OR bound_dt IS NOT NULL', name=op.f('ck_kiosk_devices_bound_dt')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kiosk_devices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_kiosk_devices_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_devices')),
    sa.UniqueConstraint('setup_code_hash', name=op.f('uq_kiosk_devices_setup_code_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_kiosk_devices_token_hash'))
    )
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.create_index('ix_kiosk_devices_venue_id', ['venue_id'], unique=False)


def downgrade():
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.drop_index('ix_kiosk_devices_venue_id')

    op.drop_table('kiosk_devices')
