"""The SVG figures of the year in review and the printable summary, built
with the insights' chart pieces so they read, print and speak the same way."""

from __future__ import annotations

import datetime as dt

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from journal.charts import FIGURES_BELOW, Bar, Chart, bar_chart
from journal.correlations import signed
from journal.summary import Summary
from journal.templatetags.mood import QUADRANT_SHAPES
from journal.year_review import YearReview
from mood.values import MOOD_MAX, MOOD_MIN, Quadrant


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def months_chart(review: YearReview) -> Chart:
    """Average pleasantness per month of the year, −4 … +4."""
    bars = [
        Bar(
            f"{month.first:%B}",
            month.pleasantness,
            f"{signed(month.pleasantness)} ({_days(month.days)})"
            if month.pleasantness is not None
            else "no check-ins",
        )
        for month in review.months
    ]
    known = [m for m in review.months if m.pleasantness is not None]
    if not known:
        summary = f"No check-ins in {review.year}."
    else:
        best = max(known, key=lambda m: (m.pleasantness or 0, m.first))
        worst = min(known, key=lambda m: (m.pleasantness or 0, m.first))
        summary = (
            f"Your brightest month was {best.first:%B} ({signed(best.pleasantness or 0)} on "
            f"average over {_days(best.days)})"
        )
        if worst != best:
            summary += (
                f"; the heaviest was {worst.first:%B} ({signed(worst.pleasantness or 0)}, "
                f"{_days(worst.days)})"
            )
        summary += "."
    desc = "Average pleasantness from −4 to +4 for each month of the year." + FIGURES_BELOW
    return bar_chart(
        "chart-year-months",
        f"Your moods month by month, {review.year}",
        desc,
        summary,
        bars,
        (MOOD_MIN, MOOD_MAX),
    )


def quadrant_mix(key: str, title: str, quadrant_days: dict[Quadrant, int]) -> Chart:
    """One stacked bar: the share of days in each quadrant, each part with its
    shape and percentage written in it when it fits."""
    total = sum(quadrant_days.values())
    width, height = 360, 44
    body: list[str] = []
    x = 0.0
    rows: list[tuple[str, str]] = []
    parts: list[str] = []
    for quadrant, days in quadrant_days.items():
        if not days:
            continue
        share = days / total
        part = share * width
        percent = round(100 * share)
        body.append(
            f'<rect x="{x:.1f}" y="4" width="{part:.1f}" height="28" '
            f'class="mix q-{quadrant.value}"/>'
        )
        if part >= 40:
            body.append(
                f'<text x="{x + part / 2:.1f}" y="23" class="mix-label" text-anchor="middle">'
                f"{QUADRANT_SHAPES[quadrant]} {percent}%</text>"
            )
        rows.append((quadrant.label, f"{_days(days)} ({percent}%)"))
        parts.append(f"{quadrant.label.lower()} {percent}% ({_days(days)})")
        x += part
    if not total:
        summary = "No days with a check-in in this time."
    else:
        summary = "Of your " + _days(total) + " with a check-in: " + ", ".join(parts) + "."
    desc = (
        "The share of days whose average mood fell in each quadrant, left to right." + FIGURES_BELOW
    )
    svg = format_html(
        '<svg class="chart mix-chart" role="img" viewBox="0 0 {} {}" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        key,
        key,
        key,
        title,
        key,
        desc,
        mark_safe("".join(body)),  # noqa: S308 - numbers, constant classes and shapes only
    )
    return Chart(key, title, desc, summary, SafeString(svg), rows)


def summary_over_time(result: Summary) -> Chart:
    """Average pleasantness per week or month of the period."""

    def label(first: dt.date) -> str:
        if result.scale == "month":
            return f"{first:%b %Y}"
        return f"week of {first.day} {first:%b %Y}"

    bars = [
        Bar(
            label(bucket.start),
            bucket.pleasantness,
            f"{signed(bucket.pleasantness)} ({_days(bucket.days)})",
        )
        for bucket in result.over_time
    ]
    if not bars:
        text = "No check-ins in this period."
    else:
        low = min(result.over_time, key=lambda b: (b.pleasantness, b.start))
        high = max(result.over_time, key=lambda b: (b.pleasantness, b.start))
        text = (
            f"Average pleasantness {signed(result.pleasantness or 0)} over "
            f"{_days(result.days)}; highest {label(high.start)} ({signed(high.pleasantness)}), "
            f"lowest {label(low.start)} ({signed(low.pleasantness)})."
        )
    desc = f"Average pleasantness from −4 to +4 per {result.scale}." + FIGURES_BELOW
    return bar_chart(
        "chart-summary-mood",
        "Mood over time",
        desc,
        text,
        bars,
        (MOOD_MIN, MOOD_MAX),
    )
