from flask import render_template
from flask_login import current_user

from studio.brands import kits
from studio.distribution import scheduling
from studio.distribution.deliveries import deliveries_needing_attention
from studio.drafting import triage
from studio.models import PostStatus
from studio.review import workflow
from studio.web import bp


LISTED = tuple(status for status in PostStatus if status != PostStatus.ARCHIVED)


@bp.get("/")
def dashboard():
    posts = workflow.posts_by_status(LISTED, limit=50)
    return render_template("dashboard.html", posts=posts, queue=workflow.review_queue(), failed=triage.failed_posts(),
                           deliveries=scheduling.upcoming_deliveries(limit=20), brands=kits.list_brands(),
                           attention=deliveries_needing_attention(),
                           user=current_user)


@bp.get("/review")
def review_queue():
    return render_template("review_queue.html", posts=workflow.review_queue())


@bp.get("/deliveries")
def deliveries():
    return render_template("deliveries.html", deliveries=scheduling.upcoming_deliveries())
