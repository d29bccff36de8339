"""brands are workspaces: a user's role is held per brand

Existing editors and reviewers keep what they could do: a membership in every brand with their role.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'brand_id'))
    op.create_index('ix_membership_user_id', 'membership', ['user_id'])
    op.create_index('ix_membership_brand_id', 'membership', ['brand_id'])
    op.execute(
        "INSERT INTO membership (user_id, brand_id, role, created_at) "
        "SELECT u.id, b.id, u.role, CURRENT_TIMESTAMP FROM \"user\" u CROSS JOIN brand b "
        "WHERE u.role IN ('editor', 'reviewer')")
    # The audit log is read per brand: each event names its brand (a post's events, the post's brand).
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('brand_id', sa.Integer(), nullable=True))
        batch.create_index('ix_audit_event_brand_id', ['brand_id'])
        batch.create_foreign_key('fk_audit_event_brand_id_brand', 'brand', ['brand_id'], ['id'])
    op.execute("UPDATE audit_event SET brand_id = (SELECT brief.brand_id FROM post JOIN brief ON brief.id = post.brief_id "
               "WHERE post.id = audit_event.post_id) "
               "WHERE post_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_constraint('fk_audit_event_brand_id_brand', type_='foreignkey')
        batch.drop_index('ix_audit_event_brand_id')
        batch.drop_column('brand_id')
    op.drop_index('ix_membership_brand_id', table_name='membership')
    op.drop_index('ix_membership_user_id', table_name='membership')
    op.drop_table('membership')
