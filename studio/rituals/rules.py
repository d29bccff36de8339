"""Reading a recurrence rule: RFC 5545 RRULE parts, with RFC 7529's RSCALE and SKIP."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from studio.rituals.errors import InvalidRule

KNOWN_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
               "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "RSCALE", "SKIP"}
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
SCALES = ("GREGORIAN", "CHINESE")
SKIPS = ("OMIT", "BACKWARD", "FORWARD")
# Parts the engine applies itself; the rest describe which wall times recur.
BOUNDING_PARTS = ("COUNT", "UNTIL", "RSCALE", "SKIP")
NUMBER_RANGES = {"INTERVAL": (1, 10_000), "COUNT": (1, 100_000), "BYHOUR": (0, 23), "BYMINUTE": (0, 59),
                 "BYSECOND": (0, 59), "BYMONTHDAY": (-31, 31), "BYYEARDAY": (-366, 366), "BYWEEKNO": (-53, 53)}
UNTIL_PATTERN = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")


@dataclass(frozen=True)
class RitualRule:
    """One RRULE, read and checked; UNTIL is a UTC instant, a local wall time or a local date."""

    text: str
    parts: dict[str, str]
    scale: str
    skip: str
    count: int | None
    until: datetime | date | None

    @property
    def pattern(self) -> str:
        """The rule without the parts the engine applies itself (COUNT, UNTIL, RSCALE, SKIP)."""
        return ";".join(f"{key}={value}" for key, value in self.parts.items() if key not in BOUNDING_PARTS)


def invalid(text: str, reason_zh: str, reason_en: str) -> InvalidRule:
    """The error for a rule that cannot be used, in Chinese then English."""
    return InvalidRule(f"重复规则无效 {text!r}：{reason_zh} / invalid recurrence rule {text!r}: {reason_en}")


def parse_rule(text: str) -> RitualRule:
    """Read an RRULE value, with or without its leading "RRULE:"."""
    parts = _read_parts(text)
    if "FREQ" not in parts:
        raise invalid(text, "缺少 FREQ", "FREQ is missing")
    if parts["FREQ"] not in FREQUENCIES:
        raise invalid(text, f"不支持 FREQ={parts['FREQ']}（仪式最密每小时一次）",
                      f"FREQ={parts['FREQ']} is not supported (rituals recur at most hourly)")
    if "COUNT" in parts and "UNTIL" in parts:
        raise invalid(text, "COUNT 与 UNTIL 不能同时使用", "COUNT and UNTIL cannot both be given")
    for key, (low, high) in NUMBER_RANGES.items():
        if key in parts:
            for value in parts[key].split(","):
                check_number(text, key, value, low, high)
    scale = parts.get("RSCALE", "GREGORIAN")
    if scale not in SCALES:
        raise invalid(text, f"不支持的历法 RSCALE={scale}（支持 GREGORIAN、CHINESE）",
                      f"RSCALE={scale} is not supported (GREGORIAN, CHINESE are)")
    skip = parts.get("SKIP", "OMIT")
    if skip not in SKIPS:
        raise invalid(text, f"SKIP={skip} 无效（OMIT、BACKWARD、FORWARD）",
                      f"SKIP={skip} is not OMIT, BACKWARD or FORWARD")
    if "SKIP" in parts and "RSCALE" not in parts:
        raise invalid(text, "SKIP 需要同时给出 RSCALE", "SKIP needs RSCALE")
    if scale == "GREGORIAN" and skip != "OMIT":
        raise invalid(text, f"公历规则只支持 SKIP=OMIT，不支持 SKIP={skip}",
                      f"SKIP={skip} is supported only with RSCALE=CHINESE")
    if scale == "GREGORIAN" and "BYMONTH" in parts:
        for value in parts["BYMONTH"].split(","):
            check_number(text, "BYMONTH", value, 1, 12)
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = _parse_until(text, parts["UNTIL"]) if "UNTIL" in parts else None
    return RitualRule(text=text.strip(), parts=parts, scale=scale, skip=skip, count=count, until=until)


def _read_parts(text: str) -> dict[str, str]:
    """NAME=VALUE parts in upper case, each named once."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:"):]
    parts: dict[str, str] = {}
    for item in filter(None, (piece.strip() for piece in body.split(";"))):
        key, sep, value = item.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not value:
            raise invalid(text, f"{item!r} 不是 名称=值", f"{item!r} is not NAME=VALUE")
        if key not in KNOWN_PARTS:
            raise invalid(text, f"不认识的规则项 {key}", f"unknown rule part {key}")
        if key in parts:
            raise invalid(text, f"{key} 出现了两次", f"{key} is given twice")
        parts[key] = value
    return parts


def check_number(text: str, key: str, value: str, low: int, high: int) -> None:
    """Refuse a value of the part that is not a whole number in its range."""
    try:
        number = int(value)
    except ValueError:
        raise invalid(text, f"{key} 的值 {value!r} 不是整数", f"{key} value {value!r} is not a whole number") from None
    if not low <= number <= high or (key in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO") and number == 0):
        raise invalid(text, f"{key}={value} 超出范围", f"{key}={value} is out of range")


def _parse_until(text: str, value: str) -> datetime | date:
    match = UNTIL_PATTERN.fullmatch(value)
    try:
        if not match:
            raise ValueError(value)
        day = datetime.strptime(match[1], "%Y%m%d").date()
        if match[2] is None:
            return day
        wall = datetime.combine(day, datetime.strptime(match[2], "%H%M%S").time())
        return wall.replace(tzinfo=timezone.utc) if match[3] else wall
    except ValueError:
        raise invalid(text, f"UNTIL={value} 不是 YYYYMMDD[THHMMSS[Z]]",
                      f"UNTIL={value} is not YYYYMMDD[THHMMSS[Z]]") from None
