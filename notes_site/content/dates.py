"""Turn the many ways people write dates in front matter into aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

# After the ISO forms that datetime.fromisoformat reads, the shapes seen in Hexo,
# Jekyll and hand-written notes: slashes, dots, a missing seconds field.
LOOSE_DATE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


# A day inside the calendar's ends, so every zone (offsets are under a day) can show the moment.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


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
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    moment = moment.replace(microsecond=0)  # HTML's datetime takes at most three digits of a second
    if not EARLIEST <= moment <= LATEST:  # pages show it in the site's zone: it must stay on the calendar
        raise DateError(f"{describe(value)} is too close to the ends of the calendar; write a year between 2 and 9998")
    return moment


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
    return moment.replace(tzinfo=parse_offset(zone, text)) if zone else moment


def parse_offset(zone: str, text: str) -> timezone:
    """`Z`, `+08:00` or `-0530` as a fixed offset (Unicode digits, like ０８, are digits too)."""
    if zone == "Z":
        return UTC
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise DateError(f"`{text}` has an impossible time zone offset `{zone}`; offsets run from -23:59 to +23:59")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if zone.startswith("-") else offset)


def describe(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"`{value}`"


def format_date(moment: datetime, pattern: str) -> str:
    """strftime (`%Y-%m-%d`), or Hexo/moment.js tokens (`YYYY-MM-DD`, `YYYY年M月D日`)."""
    if "%" in pattern:  # (strftime stops at a NUL character; the rest of the pattern is kept)
        return "\0".join(moment.strftime(part) for part in pattern.split("\0"))
    return MOMENT_TOKEN.sub(lambda m: moment_value(moment, m.group(0)), pattern)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Longest tokens first; [text] is moment's escape for literal text.
MOMENT_TOKEN = re.compile(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a")


def moment_value(moment: datetime, token: str) -> str:
    if token.startswith("["):
        return token[1:-1]
    hour12 = moment.hour % 12 or 12
    values = {
        "YYYY": f"{moment.year:04d}",
        "YY": f"{moment.year % 100:02d}",
        "MMMM": MONTHS[moment.month - 1],
        "MMM": MONTHS[moment.month - 1][:3],
        "MM": f"{moment.month:02d}",
        "M": str(moment.month),
        "Do": ordinal(moment.day),
        "DD": f"{moment.day:02d}",
        "D": str(moment.day),
        "dddd": DAYS[moment.weekday()],
        "ddd": DAYS[moment.weekday()][:3],
        "HH": f"{moment.hour:02d}",
        "H": str(moment.hour),
        "hh": f"{hour12:02d}",
        "h": str(hour12),
        "mm": f"{moment.minute:02d}",
        "m": str(moment.minute),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "A": "AM" if moment.hour < 12 else "PM",
        "a": "am" if moment.hour < 12 else "pm",
    }
    return values[token]


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
