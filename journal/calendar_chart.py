"""The calendar's year in pixels: twelve month grids, each day a link
coloured by its mood, built in Python because a year is 365 cells (the
template language would be the slowest part of the page)."""

from __future__ import annotations

import datetime as dt

from django.utils.safestring import SafeString, mark_safe

from journal.calendar_tones import TONES, Tone, tone_of
from journal.insights.results import CalendarYear
from journal.insights.wording import signed
from journal.templatetags.mood import QUADRANT_SHAPES
from mood.values import Quadrant

# English names as `strftime` gives them in the C locale Django runs in; a
# year of cells formatted two dates each was most of this module's time.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
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
# A quadrant day's CSS classes, symbol, short and spoken words.
_QUADRANT_CELL = {
    quadrant: (
        f"q-{quadrant.value}",
        QUADRANT_SHAPES[quadrant],
        quadrant.label,
        f"mostly {quadrant.label} ({quadrant.description})",
    )
    for quadrant in Quadrant
}


def calendar_months(
    calendar: CalendarYear, history_url: str, today: dt.date | None = None
) -> SafeString:
    """The twelve month grids of the calendar, built in Python because a year
    is 365 cells (the template language would be the slowest part of the page).
    Each day with check-ins is a link to that day's entries in full
    (/history/day/<date>/, under `history_url`), coloured by its average
    mood's quadrant with the quadrant's shape and a spoken label; a day whose
    energy was never recorded (an imported pleasantness-only journal) is
    coloured by pleasantness alone (journal/calendar_tones.py), with a dashed
    edge. Today is marked; a month without check-ins is marked so a phone can
    fold it."""
    parts: list[str] = []
    heads = "".join(f"<span>{d}</span>" for d in "MTWTFSS")
    for month in calendar.months:
        empty = all(mood is None for _, mood in month.days)
        note = '<span class="month-empty-note"> · no check-ins</span>' if empty else ""
        month_name = MONTH_NAMES[month.first.month - 1]
        parts.append(
            f'<div class="month{" empty-month" if empty else ""}">'
            f'<h3 class="month-name">{month_name}{note}</h3>'
            f'<div class="weekdays" aria-hidden="true">{heads}</div><ol class="days" role="list">'
        )
        parts.append('<li class="blank" aria-hidden="true"></li>' * month.leading_blanks)
        # The weekday steps through the month, so no date is formatted per cell.
        weekday = month.first.weekday()
        for day, mood in month.days:
            spoken_day = f"{DAY_NAMES[weekday]} {day.day} {month_name}"
            weekday = (weekday + 1) % 7
            is_today = day == today
            mark = " today" if is_today else ""
            if is_today:
                spoken_day = f"Today, {spoken_day}"
            if mood is None:
                parts.append(
                    f'<li class="day empty{mark}"><span class="visually-hidden">{spoken_day}: '
                    "no check-in</span></li>"
                )
                continue
            checkins = f"{mood.count} check-in{'s' if mood.count != 1 else ''}"
            iso = day.isoformat()
            if mood.energy_is_estimate:
                tone = tone_of(mood.pleasantness)
                css, symbol = f"{tone.key} estimated", tone.symbol
                short = f"{tone.words}, energy not recorded"
                spoken = (
                    f"{tone.words} (pleasantness {signed(mood.pleasantness)}), energy not recorded"
                )
            else:
                css, symbol, short, spoken = _QUADRANT_CELL[mood.quadrant]
            # Dates, the URL and the fixed words of quadrants and tones need no escaping.
            parts.append(
                f'<li class="day {css}{mark}"><a href="{history_url}day/{iso}/" '
                f'title="{spoken_day}: {short}, {checkins}" aria-label="{spoken_day}: '
                f'{spoken}, {checkins}"><span aria-hidden="true">{symbol}</span></a></li>'
            )
        parts.append("</ol></div>")
    return mark_safe("".join(parts))  # noqa: S308 - dates, a reversed URL and constants only


def tone_days(calendar: CalendarYear) -> list[tuple[Tone, int]]:
    """How many days without recorded energy fall in each pleasantness tone."""
    counts: dict[str, int] = {}
    for month in calendar.months:
        for _, mood in month.days:
            if mood is not None and mood.energy_is_estimate:
                key = tone_of(mood.pleasantness).key
                counts[key] = counts.get(key, 0) + 1
    return [(tone, counts.get(tone.key, 0)) for tone in TONES]
