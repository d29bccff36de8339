"""channel targets and settings encrypted at rest (a webhook URL carries its bot's key)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:55:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op
from flask import current_app

from studio.secret_box import PREFIX, decrypt, encrypt, load_box

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CHANNELS = sa.table('channel', sa.column('id', sa.Integer), sa.column('target', sa.Text),
                    sa.column('settings', sa.Text))


def upgrade():
    with op.batch_alter_table('channel') as batch:
        batch.alter_column('target', type_=sa.Text(), existing_type=sa.String(length=500), existing_nullable=False)
        batch.alter_column('settings', type_=sa.Text(), existing_type=sa.JSON(), existing_nullable=False,
                           postgresql_using='settings::text')
    box = load_box(current_app.config['STUDIO_DATA_DIR'])
    connection = op.get_bind()
    for row in connection.execute(sa.select(CHANNELS)).all():
        settings = row.settings if isinstance(row.settings, str) else json.dumps(row.settings)
        values = {}
        if not row.target.startswith(PREFIX):
            values['target'] = encrypt(row.target, box)
        if not settings.startswith(PREFIX):
            values['settings'] = encrypt(json.dumps(json.loads(settings or '{}'), ensure_ascii=False,
                                                    sort_keys=True), box)
        if values:
            connection.execute(sa.update(CHANNELS).where(CHANNELS.c.id == row.id).values(**values))


def downgrade():
    box = load_box(current_app.config['STUDIO_DATA_DIR'])
    connection = op.get_bind()
    for row in connection.execute(sa.select(CHANNELS)).all():
        connection.execute(sa.update(CHANNELS).where(CHANNELS.c.id == row.id).values(
            target=decrypt(row.target, box), settings=decrypt(row.settings, box)))
    with op.batch_alter_table('channel') as batch:
        batch.alter_column('settings', type_=sa.JSON(), existing_type=sa.Text(), existing_nullable=False,
                           postgresql_using='settings::json')
        batch.alter_column('target', type_=sa.String(length=500), existing_type=sa.Text(), existing_nullable=False)
