"""users: a random session token in every login session's id, replacing the password
hash's tail

Revision ID: 5e1a7c3b9d20
Revises: 5e1f0a2b7c3d
Create Date: 2026-12-07 06:40:00.000000

The column is added and dropped in place (ALTER TABLE ... ADD / DROP COLUMN), never by
copying the table: on SQLite, with foreign keys on, dropping the old copy of `users`
would delete the rows that cascade from it (API tokens, account links) and unlink
volunteers. SQLite cannot drop a column default in place, so there the empty default
stays; it never serves (the model always writes a token) and an empty token opens no
session (desk.auth.access).
"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1a7c3b9d20'
down_revision = '5e1f0a2b7c3d'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('session_token', sa.String(length=32), nullable=False,
                                     server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for user_id in connection.scalars(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_hex(16)))
    if connection.dialect.name != 'sqlite':
        op.alter_column('users', 'session_token', server_default=None,
                        existing_type=sa.String(length=32), existing_nullable=False)


def downgrade():
    op.drop_column('users', 'session_token')
