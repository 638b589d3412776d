"""Turn the many ways people write dates in front matter into aware datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

# After the ISO forms that datetime.fromisoformat reads, the shapes seen in Hexo,
# Jekyll and hand-written notes: slashes, dots, a missing seconds field.
LOOSE_DATE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


class DateError(ValueError):
    """A value that is not a date; the message says what was expected."""


def parse_date(value: object, zone: tzinfo) -> datetime:
    """A timezone-aware datetime from a YAML value; naive values are in `zone`."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        moment = parse_date_text(value.strip())
    else:
        raise DateError(f"expected a date like 2024-05-22 or 2024-05-22 10:30, got {describe(value)}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_date_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = LOOSE_DATE.match(text)
    if not match:
        raise DateError(f"`{text}` is not a date; write it like 2024-05-22 or 2024-05-22 10:30:00")
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise DateError(f"`{text}` is not a real date ({exc})") from exc
    if zone:
        zone = "+00:00" if zone == "Z" else zone if ":" in zone else zone[:3] + ":" + zone[3:]
        moment = datetime.fromisoformat(moment.isoformat() + zone)
    return moment


def describe(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"`{value}`"


def format_date(moment: datetime, pattern: str) -> str:
    """strftime, or Hexo/moment.js tokens (YYYY-MM-DD) so migrated settings keep working."""
    if "%" not in pattern:
        pattern = moment_to_strftime(pattern)
    return moment.strftime(pattern)


MOMENT_TOKENS = {
    "YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "DD": "%d",
    "HH": "%H", "hh": "%I", "mm": "%M", "ss": "%S", "A": "%p", "dddd": "%A", "ddd": "%a",
}
MOMENT_PATTERN = re.compile("|".join(sorted(MOMENT_TOKENS, key=len, reverse=True)))


def moment_to_strftime(pattern: str) -> str:
    return MOMENT_PATTERN.sub(lambda m: MOMENT_TOKENS[m.group(0)], pattern.replace("%", "%%"))
