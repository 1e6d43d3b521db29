"""Server-rendered SVG charts that work in every browser, in print and with a
screen reader: each is an `<svg role="img">` with a `<title>` and `<desc>`,
and comes with a visible sentence saying what it shows and the numbers behind
it. Colours come from classes (static/css/history.css), and every value is
also written as text, so colour is never the only cue. No JavaScript.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from journal.insights.results import (
    MIN_LISTEN_DAYS,
    CalendarYear,
    DayMood,
    ListeningBucket,
    MoodSeries,
    PatternBucket,
    Period,
    TagImpact,
    TagImpactReport,
    WordCount,
)
from journal.insights.wording import WEEKDAY_NAMES, signed
from journal.templatetags.mood import QUADRANT_SHAPES
from mood.values import MOOD_MAX, MOOD_MIN

Axis = Literal["pleasantness", "energy"]
# The <desc> says how to read a chart; its figures are in the visible sentence
# that follows it (so a screen reader does not hear them twice).
FIGURES_BELOW = " The sentence below the chart gives the figures."


@dataclass
class Chart:
    key: str
    title: str
    desc: str
    summary: str
    svg: SafeString
    rows: list[tuple[str, str]] = field(default_factory=list)  # "Show the numbers"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _svg(
    key: str, title: str, desc: str, width: int, height: int, body: list[str], kind: str = "bars"
) -> SafeString:
    return format_html(
        '<svg class="chart {}" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        kind,
        width,
        height,
        key,
        key,
        key,
        title,
        key,
        desc,
        mark_safe("".join(body)),  # noqa: S308 - every piece below is escaped or numeric
    )


def _text(x: float, y: float, content: str, cls: str = "", anchor: str = "start") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" class="{cls}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


# --- Mood over time ---------------------------------------------------------


def bucket_label(period: Period, day: dt.date) -> str:
    if period is Period.MONTH:
        return f"{day:%b %Y}"
    if period is Period.WEEK:
        return f"week of {day.day} {day:%b}"
    return f"{day:%a} {day.day} {day:%b}"


def _axis_values(mood: DayMood, axis: Axis) -> tuple[float, int, int]:
    if axis == "pleasantness":
        return mood.pleasantness, mood.min_pleasantness, mood.max_pleasantness
    return mood.energy, mood.min_energy, mood.max_energy


def mood_over_time_chart(series: MoodSeries, axis: Axis) -> Chart:
    """Mean (marker and line) and range (vertical bar) per bucket, −4 … +4."""
    name = "Pleasantness" if axis == "pleasantness" else "Energy"
    key = f"chart-{axis}-{series.period.value}"
    width, height = 420, 230
    left, right, top, bottom = 34, 8, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(series.buckets)
    step = plot_w / max(count, 1)

    def y_of(value: float) -> float:
        return top + (MOOD_MAX - value) / (MOOD_MAX - MOOD_MIN) * plot_h

    body = []
    for value, label in ((4, "+4"), (0, "0"), (-4, "−4")):
        y = y_of(value)
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_num(y)}" y2="{_num(y)}" '
            f'class="{"zero" if value == 0 else "gridline"}"/>'
        )
        body.append(_text(left - 6, y + 5, label, "tick", "end"))
    segments: list[list[str]] = [[]]
    marks: list[str] = []
    rows = []
    for index, (start, mood) in enumerate(series.points):
        x = left + step * (index + 0.5)
        if mood is None:
            if segments[-1]:
                segments.append([])
            continue
        if axis == "energy" and not mood.energy_count:
            if segments[-1]:
                segments.append([])
            continue
        mean, lo, hi = _axis_values(mood, axis)
        label = bucket_label(series.period, start)
        rows.append(
            (
                label,
                f"{signed(mean)} (from {signed(lo)} to {signed(hi)}, "
                f"{_count(mood.energy_count if axis == 'energy' else mood.count, 'check-in')})",
            )
        )
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(y_of(hi))}" '
            f'y2="{_num(y_of(lo))}" class="range"/>'
        )
        segments[-1].append(f"{_num(x)},{_num(y_of(mean))}")
        if axis == "pleasantness":
            marks.append(f'<circle cx="{_num(x)}" cy="{_num(y_of(mean))}" r="4.5" class="mean"/>')
        else:
            marks.append(
                f'<rect x="{_num(x - 4)}" y="{_num(y_of(mean) - 4)}" width="8" height="8" '
                f'class="mean"/>'
            )
    lines = [
        f'<polyline points="{" ".join(points)}" class="trend"/>'
        for points in segments
        if len(points) > 1
    ]
    body += lines + marks  # the line under the markers
    for index in sorted({0, count // 2, count - 1}):
        if count:
            x = left + step * (index + 0.5)
            anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
            body.append(
                _text(
                    x,
                    height - 14,
                    bucket_label(series.period, series.buckets[index]),
                    "tick",
                    anchor,
                )
            )
    span = {
        Period.DAY: "the last 30 days",
        Period.WEEK: "the last 26 weeks",
        Period.MONTH: "the last 12 months",
    }[series.period]
    summary = _over_time_summary(series, axis, span)
    title = f"{name} over {span}"
    desc = (
        f"{name} from −4 to +4 per {series.period.value}: a marker for the average and a "
        f"vertical bar from the lowest to the highest check-in." + FIGURES_BELOW
    )
    return Chart(
        key, title, desc, summary, _svg(key, title, desc, width, height, body, "line"), rows
    )


def _over_time_summary(series: MoodSeries, axis: Axis, span: str) -> str:
    moods = list(series.moods.values())
    if axis == "energy":
        moods = [m for m in moods if m.energy_count]
    if not moods:
        if axis == "energy" and series.moods:
            return f"No energy was recorded in {span} (only pleasantness, from an import)."
        return f"No check-ins in {span} yet."

    def weight(m: DayMood) -> int:
        return m.energy_count if axis == "energy" else m.count

    total = sum(weight(m) for m in moods)
    mean = sum(_axis_values(m, axis)[0] * weight(m) for m in moods) / total
    lowest = min(_axis_values(m, axis)[1] for m in moods)
    highest = max(_axis_values(m, axis)[2] for m in moods)
    unit = {Period.DAY: "day", Period.WEEK: "week", Period.MONTH: "month"}[series.period]
    units = f"{len(moods)} {unit}{'s' if len(moods) != 1 else ''}"
    text = (
        f"Across {span} ({total} check-in{'s' if total != 1 else ''} on {units}), your "
        f"{axis} averaged {signed(mean)}, from {signed(lowest)} at its lowest to "
        f"{signed(highest)} at its highest."
    )
    if len(moods) > 1:
        best = max(moods, key=lambda m: (_axis_values(m, axis)[0], m.date))
        worst = min(moods, key=lambda m: (_axis_values(m, axis)[0], m.date))
        text += (
            f" Highest average: {bucket_label(series.period, best.date)} "
            f"({signed(_axis_values(best, axis)[0])}); lowest: "
            f"{bucket_label(series.period, worst.date)} ({signed(_axis_values(worst, axis)[0])})."
        )
    return text


# --- Horizontal bars ---------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (too few data); `note` says why
    note: str
    group: str = ""  # a heading line drawn above the first bar of a group


def bar_chart(
    key: str,
    title: str,
    desc: str,
    summary: str,
    bars: list[Bar],
    domain: tuple[float, float],
) -> Chart:
    """Labelled horizontal bars, one per row, the value written beside each.
    A domain below zero gives diverging bars around a zero line."""
    width, row_h, label_h = 360, 48, 20
    lo, hi = domain
    bar_left, bar_right = 4, width - 4

    def x_of(value: float) -> float:
        return bar_left + (value - lo) / ((hi - lo) or 1) * (bar_right - bar_left)

    zero = x_of(max(lo, 0))
    body = []
    y = 4.0
    for index, bar in enumerate(bars):
        if bar.group and _new_group(bars, index):
            body.append(_text(0, y + 18, bar.group, "group"))
            y += 26
        body.append(_text(bar_left, y + 15, bar.label, "label"))
        bar_y = y + label_h + 2
        if bar.value is None:
            body.append(_text(bar_left, bar_y + 16, bar.note, "note"))
        else:
            body.append(
                f'<rect x="{bar_left}" y="{_num(bar_y)}" width="{bar_right - bar_left}" '
                f'height="18" rx="3" class="track"/>'
            )
            start, end = sorted((zero, x_of(bar.value)))
            tone = "pos" if bar.value > 0 else "neg" if bar.value < 0 else "nil"
            body.append(
                f'<rect x="{_num(start)}" y="{_num(bar_y)}" width="{_num(max(end - start, 2))}" '
                f'height="18" rx="3" class="bar {tone}"/>'
            )
            if lo < 0:
                body.append(
                    f'<line x1="{_num(zero)}" x2="{_num(zero)}" y1="{_num(bar_y - 3)}" '
                    f'y2="{_num(bar_y + 21)}" class="zero"/>'
                )
            body.append(_text(width, y + 15, bar.note, "value", "end"))
        y += row_h
    rows = [(f"{bar.group}: {bar.label}" if bar.group else bar.label, bar.note) for bar in bars]
    return Chart(
        key, title, desc, summary, _svg(key, title, desc, width, max(int(y) + 6, 40), body), rows
    )


def _new_group(bars: list[Bar], index: int) -> bool:
    return index == 0 or bars[index - 1].group != bars[index].group


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def pattern_chart(key: str, title: str, buckets: list[PatternBucket], what: str) -> Chart:
    """Mean pleasantness per weekday or part of the day (energy in the text)."""
    bars = [
        Bar(
            b.label,
            b.pleasantness,
            f"{signed(b.pleasantness)} ({_count(b.count, 'check-in')})"
            if b.pleasantness is not None
            else "no check-ins",
            "",
        )
        for b in buckets
    ]
    known = [b for b in buckets if b.pleasantness is not None]
    if not known:
        summary = "No check-ins yet, so there is no pattern to show."
    elif len(known) == 1:
        only = known[0]
        summary = (
            f"So far all your check-ins fall in one {what}: {only.label}, averaging "
            f"{signed(only.pleasantness or 0)}."
        )
    else:
        best = max(known, key=lambda b: b.pleasantness or 0)
        worst = min(known, key=lambda b: b.pleasantness or 0)
        summary = (
            f"Your check-ins were most pleasant on average in the {what} “{best.label}” "
            f"({signed(best.pleasantness or 0)}, {_count(best.count, 'check-in')}) and least "
            f"in “{worst.label}” ({signed(worst.pleasantness or 0)}, "
            f"{_count(worst.count, 'check-in')})."
        )
        with_energy = [b for b in known if b.energy is not None]
        if with_energy:
            top = max(with_energy, key=lambda b: b.energy or 0)
            summary += f" Energy was highest in “{top.label}” ({signed(top.energy or 0)})."
    desc = f"Average pleasantness from −4 to +4 for each {what}." + FIGURES_BELOW
    chart = bar_chart(key, title, desc, summary, bars, (MOOD_MIN, MOOD_MAX))
    chart.rows = [
        (
            b.label,
            f"pleasantness {signed(b.pleasantness)}, "
            f"energy {signed(b.energy) if b.energy is not None else 'not recorded'}, "
            f"{_count(b.count, 'check-in')}"
            if b.pleasantness is not None
            else "no check-ins",
        )
        for b in buckets
    ]
    return chart


def words_chart(words: list[WordCount]) -> Chart:
    title = "Words you picked most"
    if not words:
        summary = "You have not picked any emotion words in this time yet."
    else:
        top = ", ".join(f"{w.word} ({_count(w.count, 'time')})" for w in words[:3])
        summary = f"Your most-picked words: {top}."
    bars = [
        Bar(
            f"{QUADRANT_SHAPES[w.quadrant]} {w.word} ({w.quadrant.label})",
            w.count,
            _count(w.count, "time"),
        )
        for w in words
    ]
    highest = max((w.count for w in words), default=1)
    desc = "How often you picked each emotion word." + FIGURES_BELOW
    return bar_chart("chart-words", title, desc, summary, bars, (0, highest))


def tag_impact_chart(report: TagImpactReport) -> Chart:
    title = "Your mood on days with and without each tag"
    bars = []
    for impact in report.shown:
        bars.append(
            Bar(
                f"with it ({_count(impact.with_days, 'day')})",
                impact.with_mean,
                signed(impact.with_mean or 0),
                impact.name,
            )
        )
        bars.append(
            Bar(
                f"without it ({_count(impact.without_days, 'day')})",
                impact.without_mean,
                signed(impact.without_mean or 0),
                impact.name,
            )
        )
    if report.shown:
        # The two tags with the best days beside them, and the one with the lowest.
        picked = report.shown[:2] + (report.shown[-1:] if len(report.shown) > 2 else [])
        summary = " ".join(tag_sentence(impact) for impact in picked)
    else:
        summary = (
            f"No tag has been used on at least {report.min_days} days, and left off at least "
            f"{report.min_days} days, so there is nothing fair to compare yet."
        )
    desc = (
        "Average pleasantness (−4 to +4) of days with each tag next to days without it, "
        "with the number of days behind each figure." + FIGURES_BELOW
    )
    return bar_chart("chart-tags", title, desc, summary, bars, (MOOD_MIN, MOOD_MAX))


def tag_sentence(impact: TagImpact) -> str:
    """The plain statement of one comparison, with its day counts."""
    return (
        f"On days you tagged “{impact.name}” your mood averaged {signed(impact.with_mean or 0)} "
        f"({_count(impact.with_days, 'day')}) vs {signed(impact.without_mean or 0)} without "
        f"({_count(impact.without_days, 'day')})."
    )


def listening_chart(buckets: list[ListeningBucket]) -> Chart:
    title = "Your mood and how much you listened that day"
    bars = [
        Bar(
            b.label,
            b.mean,
            f"{signed(b.mean)} ({_count(b.days, 'day')})"
            if b.mean is not None
            else f"{_count(b.days, 'day')}: too few to show"
            if b.days
            else "no days yet",
        )
        for b in buckets
    ]
    shown = [b for b in buckets if b.mean is not None]
    if len(shown) >= 2:
        parts = [
            f"{b.label.lower()}: {signed(b.mean or 0)} ({_count(b.days, 'day')})" for b in shown
        ]
        summary = "Average mood on days with " + "; ".join(parts) + "."
    elif shown:
        only = shown[0]
        summary = (
            f"Only one group has {MIN_LISTEN_DAYS} or more days so far: "
            f"{only.label.lower()}, averaging {signed(only.mean or 0)} "
            f"({_count(only.days, 'day')})."
        )
    else:
        summary = (
            f"Each group needs at least {MIN_LISTEN_DAYS} days with a check-in before "
            "its average is shown."
        )
    desc = (
        "Average pleasantness (−4 to +4) of days grouped by minutes of music played that "
        "day, with the number of days." + FIGURES_BELOW
    )
    return bar_chart("chart-listening", title, desc, summary, bars, (MOOD_MIN, MOOD_MAX))


# --- Year in pixels ------------------------------------------------------------


def calendar_months(calendar: CalendarYear, history_url: str) -> SafeString:
    """The twelve month grids of the calendar, built in Python because a year
    is 365 cells (the template language would be the slowest part of the page).
    Each day with check-ins is a link to that day's timeline, coloured by its
    average mood's quadrant, with the quadrant's shape and a spoken label."""
    parts: list[str] = []
    heads = "".join(f"<span>{d}</span>" for d in "MTWTFSS")
    for month in calendar.months:
        # Names looked up, not formatted per day (strftime three times a day
        # was most of this function's time).
        name = f"{month.first:%B}"
        parts.append(
            f'<div class="month"><h3 class="month-name">{name}</h3>'
            f'<div class="weekdays" aria-hidden="true">{heads}</div><ol class="days" role="list">'
        )
        parts.append('<li class="blank" aria-hidden="true"></li>' * month.leading_blanks)
        for day, mood in month.days:
            if mood is None:
                parts.append(
                    f'<li class="day empty"><span class="visually-hidden">{day.day} {name}: '
                    "no check-in</span></li>"
                )
                continue
            spoken_day = f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {name}"
            quadrant = mood.shown_quadrant
            checkins = f"{mood.count} check-in{'s' if mood.count != 1 else ''}"
            # An imported day whose energy was only guessed says so, in words
            # and with a dashed edge.
            estimate = ", energy estimated" if mood.energy_is_estimate else ""
            css = " estimated" if estimate else ""
            iso = day.isoformat()
            # Dates, the URL and the quadrant's fixed words need no escaping.
            parts.append(
                f'<li class="day q-{quadrant.value}{css}"><a href="{history_url}?from={iso}&amp;'
                f'to={iso}&amp;year={day.year}#timeline-heading" title="{spoken_day}: '
                f'{quadrant.label}{estimate}, {checkins}" aria-label="{spoken_day}: mostly '
                f'{quadrant.label} ({quadrant.description}){estimate}, {checkins}">'
                f'<span aria-hidden="true">{QUADRANT_SHAPES[quadrant]}</span></a></li>'
            )
        parts.append("</ol></div>")
    return mark_safe("".join(parts))  # noqa: S308 - dates, a reversed URL and constants only
