"""personal data lifecycle: anonymised people, audit entries without personal fields,
requests to stop and delete

Revision ID: 5e1f0a2b7c3d
Revises: c13215f0b265
Create Date: 2026-12-07 06:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0a2b7c3d'
down_revision = 'c13215f0b265'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_dt', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_removed_dt', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'privacy_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.Enum('stop_delete', name='kind', native_enum=False,
                                  create_constraint=True, length=11), nullable=False),
        sa.Column('received_via', sa.Enum('counter', 'phone', 'mail', 'other',
                                          name='received_via', native_enum=False,
                                          create_constraint=True, length=7), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_requests_person_id', ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_requests_person_id')
    op.drop_table('privacy_requests')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('personal_removed_dt')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('anonymised_dt')
