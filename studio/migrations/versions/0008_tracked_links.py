"""tracked links name their post, segment, group and delivery; clicks by people, uniques and robots apart

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

REFERENCES = (('post_id', 'post'), ('segment_id', 'segment'), ('channel_id', 'channel'), ('delivery_id', 'delivery'))


def upgrade():
    with op.batch_alter_table('short_link') as batch:
        for column, table in REFERENCES:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(batch.f(f'fk_short_link_{column}_{table}'), table, [column], ['id'])
        batch.add_column(sa.Column('unique_clicks', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('bot_clicks', sa.Integer(), nullable=False, server_default='0'))
        batch.create_index(batch.f('ix_short_link_post_id'), ['post_id'], unique=False)
        batch.create_index(batch.f('ix_short_link_delivery_id'), ['delivery_id'], unique=False)
        batch.create_unique_constraint(batch.f('uq_short_link_delivery_id'), ['delivery_id', 'destination'])
    op.create_table(
        'link_click',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('visitor', sa.String(length=32), nullable=False),
        sa.Column('bot', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['short_link.id'], name=op.f('fk_link_click_link_id_short_link')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_click')),
    )
    op.create_index(op.f('ix_link_click_link_id'), 'link_click', ['link_id'], unique=False)
    op.create_index(op.f('ix_link_click_at'), 'link_click', ['at'], unique=False)
    op.create_table(
        'link_visitor',
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('visitor', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['short_link.id'], name=op.f('fk_link_visitor_link_id_short_link')),
        sa.PrimaryKeyConstraint('link_id', 'visitor', name=op.f('pk_link_visitor')),
    )


def downgrade():
    op.drop_table('link_visitor')
    op.drop_index(op.f('ix_link_click_at'), table_name='link_click')
    op.drop_index(op.f('ix_link_click_link_id'), table_name='link_click')
    op.drop_table('link_click')
    with op.batch_alter_table('short_link') as batch:
        batch.drop_constraint(batch.f('uq_short_link_delivery_id'), type_='unique')
        batch.drop_index(batch.f('ix_short_link_delivery_id'))
        batch.drop_index(batch.f('ix_short_link_post_id'))
        batch.drop_column('bot_clicks')
        batch.drop_column('unique_clicks')
        for column, table in reversed(REFERENCES):
            batch.drop_constraint(batch.f(f'fk_short_link_{column}_{table}'), type_='foreignkey')
            batch.drop_column(column)
