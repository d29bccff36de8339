"""Two beats materializing at the same moment write each occurrence's brief once: the unique row decides."""
import threading

import pytest

from studio.extensions import db
from studio.models import Brief, RitualOccurrence
from studio.rituals import materializing
from tests.rituals.support import tomorrow_at, weekly_ritual
from tests.support.app import demo_app_on


@pytest.fixture(params=["sqlite", "postgresql"])
def racing_app(request, tmp_path):
    with demo_app_on(request.param, tmp_path / "data", "editor", "reviewer") as app:
        yield app


def test_two_beats_that_both_find_an_occurrence_unwritten_write_its_brief_once(racing_app, monkeypatch):
    with racing_app.app_context():
        weekly_ritual(tomorrow_at(20))
    both_looked = threading.Barrier(2, timeout=30)
    looked = threading.local()
    real_row = materializing._row

    def row_seen_by_both(ritual_id, instant):
        found = real_row(ritual_id, instant)
        if not getattr(looked, "done", False):  # each beat's first look: neither has written the row yet
            looked.done = True
            both_looked.wait()
        return found

    monkeypatch.setattr(materializing, "_row", row_seen_by_both)
    results, errors = [], []

    def beat():
        with racing_app.app_context():
            try:
                results.extend(row.as_dict() for row in materializing.materialize_due())
            except Exception as exc:  # noqa: BLE001  a beat that fails is what this test must catch
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(row["created"] for row in results) == [False, True]
    assert len({row["brief_id"] for row in results}) == 1
    with racing_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Brief.id))) == 1
        [row] = db.session.scalars(db.select(RitualOccurrence)).all()
        assert row.brief_id == results[0]["brief_id"]


def test_two_beats_running_every_step_together_leave_one_brief_per_occurrence(racing_app):
    with racing_app.app_context():
        for hour in (18, 19, 20, 21):
            weekly_ritual(tomorrow_at(hour), name=f"tasting {hour}")
    start = threading.Barrier(2, timeout=30)
    errors = []

    def beat():
        with racing_app.app_context():
            try:
                start.wait()
                materializing.run_rituals()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    with racing_app.app_context():
        rows = db.session.scalars(db.select(RitualOccurrence)).all()
        assert len(rows) == 4 and all(row.brief_id for row in rows)
        assert db.session.scalar(db.select(db.func.count(Brief.id))) == 4
