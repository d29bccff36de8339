"""The beat runs rituals every minute through a thin task: freeze, schedule what was approved, materialize."""
from datetime import timedelta

from studio.config import build_config
from studio.distribution import scheduling
from studio.extensions import db
from studio.models import OccurrenceState, RitualOccurrence
from studio.rituals.materializing import freeze_due, materialize_due, schedule_approved
from studio.task_names import QUEUES, RUN_RITUALS
from tests.calendar.support import directory_group
from tests.rituals.support import approve_variants, tomorrow_at, weekly_ritual


def test_the_beat_schedule_runs_rituals_every_minute_on_the_dispatch_queue(tmp_path):
    config = build_config({"STUDIO_DATA_DIR": str(tmp_path)}, environ={})
    entry = config["CELERY"]["beat_schedule"]["run-rituals"]
    assert (entry["task"], entry["schedule"], QUEUES[RUN_RITUALS]) == (RUN_RITUALS, 60.0, "dispatch")
    faster = build_config({"STUDIO_DATA_DIR": str(tmp_path)}, environ={"STUDIO_RITUALS_INTERVAL": "5"})
    assert faster["CELERY"]["beat_schedule"]["run-rituals"]["schedule"] == 5.0


def test_the_task_materializes_the_occurrences_now_due(ctx):
    from workers.tasks import run_rituals

    weekly_ritual(tomorrow_at(20))
    assert run_rituals() == {"frozen": 0, "scheduled": 0, "materialized": 1}
    assert run_rituals()["materialized"] == 0
    assert db.session.scalars(db.select(RitualOccurrence)).one().state == OccurrenceState.MATERIALIZED


def test_at_the_freeze_an_approved_variant_goes_and_an_unapproved_one_stays_unsent(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")  # newcomer
    vip = directory_group("sh-jingan-2", "华东", "静安店")
    vip.segments = ["vip"]
    db.session.commit()
    start = tomorrow_at(20)
    weekly_ritual(start, segments=["newcomer", "vip"], audience="region:华东")
    [row] = materialize_due()
    [newcomer_post] = approve_variants(row.brief_id, segments=("newcomer",))
    vip_post = next(p for p in newcomer_post.brief.posts if p.id != newcomer_post.id)
    schedule_approved()

    freeze_due(now=start - timedelta(hours=9))

    assert db.session.get(RitualOccurrence, 1).state == OccurrenceState.FROZEN
    assert [d.channel.slug for d in scheduling.deliveries_of(newcomer_post.id)] == ["sh-jingan-1"]
    assert scheduling.deliveries_of(vip_post.id) == []
    approve_variants(row.brief_id, segments=("vip",))  # approved after the freeze: still not sent
    assert schedule_approved(now=start - timedelta(hours=9)) == 0 and scheduling.deliveries_of(vip_post.id) == []
