"""Scheduled posts of the demo brand, and directory groups with a region and a store."""
from datetime import datetime, timedelta

from studio.distribution import scheduling
from studio.extensions import db
from studio.models import Brand, Channel
from tests.support.posts import approved_post, shanghai_now, user


def directory_group(slug: str, region: str, store: str, members: int = 100) -> Channel:
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun"))
    group = Channel(brand_id=brand.id, slug=slug, name=f"{store}{slug[-1]}群", type="sandbox", target=f"{store}群",
                    segments=["newcomer"], region=region, store=store, members=members, origin="directory")
    db.session.add(group)
    db.session.commit()
    return group


def scheduled_post(local_time: datetime, channels=("sandbox-main",)):
    """An approved post scheduled by the reviewer at local_time (Asia/Shanghai wall-clock time)."""
    post = approved_post()
    scheduling.schedule_post(post.id, local_time, list(channels), user("reviewer"))
    return post


def days_ahead(days: int, hour: int = 20) -> datetime:
    """A whole hour in Shanghai, some days from now."""
    return (shanghai_now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
