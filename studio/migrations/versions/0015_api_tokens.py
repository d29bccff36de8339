"""API tokens of their own: scoped, limited to a brand or not, expiring and revocable

A user's one token (its digest in ``user.api_token_hash``) becomes a row here with every scope, no brand
and no expiry, so it keeps working; the column goes. Its text is unknown, so it is listed under the first
characters of its digest and the name "legacy".

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00.000000

"""
import json
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# The scopes as this revision knows them (studio.api_tokens.SCOPES at the time): a token from before
# scopes could do all of this.
ALL_SCOPES = ["knowledge:read", "posts:read", "posts:write", "review", "schedule", "analytics:read"]


@contextmanager
def _user_table_rebuilt():
    """batch_alter_table('user'), with SQLite's foreign keys off while it runs.

    SQLite rebuilds the table to drop a column or a constraint, and dropping the old "user" table with
    foreign keys on deletes everything that cascades from it (memberships, tokens) first. The switch works
    only outside a transaction, so the work so far is committed before it and after it."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        with op.batch_alter_table('user') as batch:
            yield batch
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute('PRAGMA foreign_keys=OFF')
    try:
        with op.batch_alter_table('user') as batch:
            yield batch
    finally:
        raw.commit()
        raw.execute('PRAGMA foreign_keys=ON')


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=True),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_api_token_brand_id_brand'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_api_token_digest')))
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'])
    # PostgreSQL has no implicit cast from text to json; SQLite stores JSON as text.
    scopes = "CAST(:scopes AS JSON)" if op.get_bind().dialect.name == "postgresql" else ":scopes"
    op.execute(sa.text(
        "INSERT INTO api_token (user_id, brand_id, scopes, prefix, digest, name, created_at) "
        f"SELECT id, NULL, {scopes}, substr(api_token_hash, 1, 8), api_token_hash, 'legacy', CURRENT_TIMESTAMP "
        "FROM \"user\" WHERE api_token_hash IS NOT NULL").bindparams(scopes=json.dumps(ALL_SCOPES)))
    with _user_table_rebuilt() as batch:
        batch.drop_constraint('uq_user_api_token_hash', type_='unique')
        batch.drop_column('api_token_hash')


def downgrade():
    with _user_table_rebuilt() as batch:
        batch.add_column(sa.Column('api_token_hash', sa.String(length=128), nullable=True))
        batch.create_unique_constraint('uq_user_api_token_hash', ['api_token_hash'])
    # The newest token of each user that reached every brand and was not revoked becomes their one token.
    op.execute(
        "UPDATE \"user\" SET api_token_hash = (SELECT t.digest FROM api_token t WHERE t.user_id = \"user\".id "
        "AND t.brand_id IS NULL AND t.revoked_at IS NULL ORDER BY t.id DESC LIMIT 1)")
    op.drop_index(op.f('ix_api_token_user_id'), table_name='api_token')
    op.drop_table('api_token')
