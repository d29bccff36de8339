"""orders from the brand's shop, attributed to short links by token or coupon code

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'coupon',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_coupon_brand_id_brand')),
        sa.ForeignKeyConstraint(['link_id'], ['short_link.id'], name=op.f('fk_coupon_link_id_short_link')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon')),
        sa.UniqueConstraint('brand_id', 'code', name=op.f('uq_coupon_brand_id')),
    )
    op.create_index(op.f('ix_coupon_brand_id'), 'coupon', ['brand_id'], unique=False)
    op.create_index(op.f('ix_coupon_link_id'), 'coupon', ['link_id'], unique=False)
    op.create_table(
        'conversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.String(length=128), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=True),
        sa.Column('attributed_by', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('coupon', sa.String(length=64), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('ordered_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_conversion_brand_id_brand')),
        sa.ForeignKeyConstraint(['link_id'], ['short_link.id'], name=op.f('fk_conversion_link_id_short_link')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversion')),
        sa.UniqueConstraint('brand_id', 'order_id', name=op.f('uq_conversion_brand_id')),
    )
    op.create_index(op.f('ix_conversion_brand_id'), 'conversion', ['brand_id'], unique=False)
    op.create_index(op.f('ix_conversion_link_id'), 'conversion', ['link_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_conversion_link_id'), table_name='conversion')
    op.drop_index(op.f('ix_conversion_brand_id'), table_name='conversion')
    op.drop_table('conversion')
    op.drop_index(op.f('ix_coupon_link_id'), table_name='coupon')
    op.drop_index(op.f('ix_coupon_brand_id'), table_name='coupon')
    op.drop_table('coupon')
