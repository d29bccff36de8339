"""Words for an occurrence's date in a post: 周五, 本周五, 12月4日, 农历十月十五, 中秋节, 晚8点."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from lunar_python import Solar

WEEKDAYS = "一二三四五六日"
# (first hour, word) pairs: the part of the day a Chinese speaker names before the hour.
DAY_PARTS = ((0, "凌晨"), (6, "早上"), (9, "上午"), (12, "中午"), (13, "下午"), (18, "晚"))


def date_words(at: datetime, zone: ZoneInfo, *, today: date | None = None) -> dict[str, str]:
    """Template words for the occurrence as seen in its zone; `today` turns 周五 into 本周五 or 下周五."""
    local = at.astimezone(zone) if at.tzinfo else at
    day = local.date()
    weekday = f"周{WEEKDAYS[day.weekday()]}"
    solar = Solar.fromYmd(day.year, day.month, day.day)
    lunar = solar.getLunar()
    festivals = list(lunar.getFestivals()) + list(solar.getFestivals())
    # The package lists 清明 as a solar term, yet it is a festival and a statutory holiday.
    if lunar.getJieQi() == "清明":
        festivals.append("清明节")
    return {
        "weekday": weekday,
        "relative_weekday": _relative_week(day, today) + weekday[1:] if today else weekday,
        "date": f"{day.month}月{day.day}日",
        "lunar": f"农历{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}",
        "festival": "、".join(festivals),
        "clock": _clock(local.hour, local.minute),
    }


def _relative_week(day: date, today: date) -> str:
    """本周 or 下周 for a day in this or next Monday-to-Sunday week, else 周."""
    this_monday = today - timedelta(days=today.weekday())
    weeks = (day - this_monday).days // 7
    return {0: "本周", 1: "下周"}.get(weeks, "周")


def _clock(hour: int, minute: int) -> str:
    part = [word for first, word in DAY_PARTS if hour >= first][-1]
    twelve = hour if hour <= 12 else hour - 12
    minutes = "" if minute == 0 else "半" if minute == 30 else f"{minute}分"
    return f"{part}{twelve}点{minutes}"
