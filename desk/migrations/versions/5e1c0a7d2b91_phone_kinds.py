"""phone kinds: toll-free, navigation dial and ambiguous numbers abroad

Until now a toll-free (0120/0800) or navigation dial (0570) number was stored as
"other" and a number abroad that may be a mobile or a landline (the US and Canada) as
"landline", and both got reminder calls. The stored numbers are classified again here
with phonenumbers, as desk.core.phone does from now on.

Revision ID: 5e1c0a7d2b91
Revises: 6605b67d49d6
Create Date: 2026-12-07 06:20:00.000000

"""
import phonenumbers
import sqlalchemy as sa
from alembic import op
from phonenumbers import PhoneNumberType


# revision identifiers, used by Alembic.
revision = '5e1c0a7d2b91'
down_revision = '6605b67d49d6'
branch_labels = None
depends_on = None

TABLES = ('people', 'proxy_contacts', 'volunteers')
OLD_KINDS = ('mobile', 'landline', 'ip_phone', 'other')
NEW_KINDS = ('mobile', 'landline', 'ip_phone', 'toll_free', 'navi_dial', 'ambiguous', 'other')
# the kinds the old classification stored for the new ones
NEW_FROM_OLD = {'toll_free': 'other', 'navi_dial': 'other', 'ambiguous': 'landline'}
# the new classification of the numbers stored as "landline" or "other"
NEW_BY_TYPE = {
    PhoneNumberType.FIXED_LINE: 'landline',
    PhoneNumberType.FIXED_LINE_OR_MOBILE: 'ambiguous',
    PhoneNumberType.TOLL_FREE: 'toll_free',
    PhoneNumberType.UAN: 'navi_dial',
}


def _check(values):
    return "phone_kind IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _new_kind(e164, old):
    try:
        number = phonenumbers.parse(e164, 'JP')
    except phonenumbers.NumberParseException:
        return old
    return NEW_BY_TYPE.get(phonenumbers.number_type(number), 'other')


def upgrade():
    connection = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_phone_kind'), type_='check')
            batch_op.alter_column('phone_kind', existing_type=sa.VARCHAR(length=8),
                                  type_=sa.String(length=9), existing_nullable=True)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_phone_kind'),
                                             _check(NEW_KINDS))
        rows = connection.execute(sa.text(
            f"SELECT id, phone, phone_kind FROM {table} "
            "WHERE phone IS NOT NULL AND phone_kind IN ('landline', 'other')")).all()
        for row_id, phone, old in rows:
            new = _new_kind(phone, old)
            if new != old:
                connection.execute(sa.text(f"UPDATE {table} SET phone_kind = :kind "
                                           "WHERE id = :id"), {"kind": new, "id": row_id})


def downgrade():
    for table in TABLES:
        for new, old in NEW_FROM_OLD.items():
            op.execute(f"UPDATE {table} SET phone_kind = '{old}' WHERE phone_kind = '{new}'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_phone_kind'), type_='check')
            batch_op.alter_column('phone_kind', existing_type=sa.VARCHAR(length=9),
                                  type_=sa.String(length=8), existing_nullable=True)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_phone_kind'),
                                             _check(OLD_KINDS))
