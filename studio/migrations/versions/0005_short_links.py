"""tracked short links for posters and share cards

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'short_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=True),
        sa.Column('destination', sa.Text(), nullable=False),
        sa.Column('utm', sa.JSON(), nullable=False),
        sa.Column('clicks', sa.Integer(), nullable=False),
        sa.Column('last_clicked_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_short_link_brand_id_brand')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_short_link')),
        sa.UniqueConstraint('token', name=op.f('uq_short_link_token')),
    )
    op.create_index(op.f('ix_short_link_brand_id'), 'short_link', ['brand_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_short_link_brand_id'), table_name='short_link')
    op.drop_table('short_link')
