from flask import render_template
from flask_login import current_user

from studio.services import brands, delivery, review, scheduling
from studio.web import bp


@bp.get("/")
def dashboard():
    posts = review.posts_by_status(limit=50)
    return render_template("dashboard.html", posts=posts, queue=review.review_queue(),
                           deliveries=scheduling.upcoming_deliveries(limit=20), brands=brands.list_brands(),
                           attention=delivery.deliveries_needing_attention(),
                           user=current_user)


@bp.get("/review")
def review_queue():
    return render_template("review_queue.html", posts=review.review_queue())


@bp.get("/deliveries")
def deliveries():
    return render_template("deliveries.html", deliveries=scheduling.upcoming_deliveries())
