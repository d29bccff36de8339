"""What can be wrong with a ritual's rule, zone, times or calendar data."""
from studio.errors import InvalidInput


class InvalidRule(InvalidInput):
    """The recurrence rule cannot be read, or asks for something not supported."""


class UnknownZone(InvalidInput):
    """The time zone is not an IANA zone name."""


class InvalidLocalTime(InvalidInput):
    """A start, exception date or sequence time is not a local date and time."""


class HolidayDataMissing(InvalidInput):
    """The holiday calendar has no data for a year an occurrence falls in."""
