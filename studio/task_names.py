"""The names Celery tasks are registered and routed under: services enqueue by these, workers register them."""

DRAFT_VARIANT = "drafting.draft_variant"
REGENERATE_VARIANT = "drafting.regenerate_variant"
SWEEP_STALLED_GENERATIONS = "drafting.sweep_stalled_generations"
DISPATCH_DUE_DELIVERIES = "distribution.dispatch_due_deliveries"
SEND_DELIVERIES = "distribution.send_deliveries"
SEND_DELIVERY = "distribution.send_delivery"
ALERT_DELIVERY_PROBLEM = "distribution.alert_delivery_problem"
FORGET_OLD_CLICKS = "links.forget_old_clicks"
WRITE_PLAYBOOKS = "drafting.write_playbooks"
RUN_RITUALS = "rituals.run_rituals"  # freeze, schedule what was approved, write the briefs now due
ALERT_MISSED_OCCURRENCE = "rituals.alert_missed_occurrence"
SCHEDULE_RITUAL_OCCURRENCE = "rituals.schedule_occurrence"  # a variant was approved: schedule it now
INDEX_LIBRARY_UPLOAD = "library.index_upload"  # a large knowledge upload, staged by the web request
QUEUE_WAITING_UPLOADS = "library.queue_waiting_uploads"  # uploads the broker could not take, queued again
POST_AT_ETA = "bench.post_at_eta"  # the plain-ETA baseline that `studio bench dispatch` measures against

QUEUES = {DRAFT_VARIANT: "drafts", REGENERATE_VARIANT: "drafts", DISPATCH_DUE_DELIVERIES: "dispatch",
          SWEEP_STALLED_GENERATIONS: "dispatch", FORGET_OLD_CLICKS: "dispatch", WRITE_PLAYBOOKS: "dispatch",
          RUN_RITUALS: "dispatch", SCHEDULE_RITUAL_OCCURRENCE: "dispatch", ALERT_MISSED_OCCURRENCE: "send",
          SEND_DELIVERIES: "send", SEND_DELIVERY: "send", ALERT_DELIVERY_PROBLEM: "send",
          # Indexing is slow like drafting and must never hold up the dispatcher's ticks.
          INDEX_LIBRARY_UPLOAD: "drafts", QUEUE_WAITING_UPLOADS: "dispatch"}
