"""Date words fill a brief template: 周五, 本周五, 12月4日, 农历十月廿六, 中秋节, 晚8点."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from studio.rituals.date_words import date_words

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_friday_tasting_reads_as_its_weekday_date_lunar_date_and_clock():
    words = date_words(datetime(2026, 12, 4, 20, 0, tzinfo=SHANGHAI), SHANGHAI, today=date(2026, 12, 2))
    assert words == {"weekday": "周五", "relative_weekday": "本周五", "date": "12月4日", "lunar": "农历十月廿六",
                     "festival": "", "clock": "晚8点"}
    assert "{relative_weekday}{clock}品鉴会".format(**words) == "本周五晚8点品鉴会"


def test_next_weeks_friday_is_xia_zhou_wu_and_without_today_it_is_just_the_weekday():
    at = datetime(2026, 12, 11, 20, 0, tzinfo=SHANGHAI)
    assert date_words(at, SHANGHAI, today=date(2026, 12, 2))["relative_weekday"] == "下周五"
    assert date_words(at, SHANGHAI, today=date(2026, 11, 20))["relative_weekday"] == "周五"
    assert date_words(at, SHANGHAI)["relative_weekday"] == "周五"


def test_mid_autumn_and_spring_festival_are_named():
    mid_autumn = date_words(datetime(2026, 9, 25, 19, 30, tzinfo=SHANGHAI), SHANGHAI)
    assert (mid_autumn["lunar"], mid_autumn["festival"], mid_autumn["clock"]) == ("农历八月十五", "中秋节", "晚7点半")
    assert "{lunar}赏月茶会".format(**mid_autumn) == "农历八月十五赏月茶会"
    spring = date_words(datetime(2026, 2, 17, 10, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert (spring["lunar"], spring["festival"], spring["clock"]) == ("农历正月初一", "春节", "上午10点")


def test_words_are_for_the_date_in_the_rituals_zone():
    at = datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc)  # Friday 01:00 in Shanghai
    words = date_words(at, SHANGHAI)
    assert (words["weekday"], words["date"], words["clock"]) == ("周五", "12月4日", "凌晨1点")
