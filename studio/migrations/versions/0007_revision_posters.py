"""posters stored with the revision they belong to, and shown in the sandbox chat

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 20:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'poster_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=True),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.Column('md5', sa.String(length=32), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('spec', sa.JSON(), nullable=False),
        sa.Column('qr_url', sa.Text(), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_poster_image_brand_id_brand')),
        sa.ForeignKeyConstraint(['link_id'], ['short_link.id'], name=op.f('fk_poster_image_link_id_short_link')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_poster_image_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_poster_image')),
        sa.UniqueConstraint('token', name=op.f('uq_poster_image_token')),
    )
    op.create_index(op.f('ix_poster_image_brand_id'), 'poster_image', ['brand_id'], unique=False)
    with op.batch_alter_table('revision') as batch:
        batch.add_column(sa.Column('poster_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_revision_poster_id_poster_image'), 'poster_image', ['poster_id'],
                                 ['id'])
    with op.batch_alter_table('sandbox_message') as batch:
        batch.add_column(sa.Column('image_path', sa.String(length=100), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('sandbox_message') as batch:
        batch.drop_column('image_path')
    with op.batch_alter_table('revision') as batch:
        batch.drop_constraint(batch.f('fk_revision_poster_id_poster_image'), type_='foreignkey')
        batch.drop_column('poster_id')
    op.drop_index(op.f('ix_poster_image_brand_id'), table_name='poster_image')
    op.drop_table('poster_image')
