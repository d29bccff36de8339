"""A ritual that skips holidays keeps working where the holiday calendar's data ends: it stops there."""
from datetime import date, timedelta

from studio.calendar.items import calendar_items
from studio.rituals import service
from studio.rituals.holidays import last_known_day
from studio.rituals.materializing import materialize_due
from tests.rituals.support import tomorrow_at, weekly_ritual


def test_a_holiday_skipping_ritual_lists_calendars_and_materializes_only_the_days_with_holiday_data(ctx):
    last = last_known_day()
    start = max(tomorrow_at(20), tomorrow_at(20).replace(year=last.year, month=12, day=1))
    weekly_ritual(start, rrule="FREQ=DAILY", holidays="skip")

    [ritual] = service.list_rituals("chayun")
    assert ritual["next"] and all(row["local"][:10] <= last.isoformat() for row in ritual["next"])
    after_data = calendar_items("chayun", last - timedelta(days=2), last + timedelta(days=5))
    assert {item.local_start[:10] for item in after_data} <= {
        (last - timedelta(days=n)).isoformat() for n in range(3)}
    until = start + timedelta(days=400)
    rows = materialize_due(until=until.replace(tzinfo=None) - timedelta(hours=8))
    assert rows and all(row.occurrence_utc[:10] <= last.isoformat() for row in rows)
    assert date.fromisoformat(rows[-1].occurrence_utc[:10]) <= last
