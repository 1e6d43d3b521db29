"""What the correlations section compares, loaded from the database.

Six queries whatever the period holds: the check-ins' moods, which days had
each tag, each word, each song and artist attached, the minutes listened per
day, and the day attributes. `journal.correlations` does the statistics.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from journal import day_attributes
from journal.correlations import MIN_DAYS, Candidate, Report, compare, median_split
from journal.models import CheckIn, CheckInTrack
from music.models import Listen, Track

if TYPE_CHECKING:
    from accounts.models import User

# Words, songs and artists are many; only the most used are compared, so the
# page stays readable and each claim keeps enough days behind it.
MAX_WORDS = 15
MAX_MUSIC = 8


@dataclass
class Correlations:
    report: Report
    start: dt.date
    end: dt.date

    def of_kind(self, *kinds: str) -> list[object]:
        return [f for f in self.report.findings if f.kind in kinds]


def day_moods(user: User, start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Each day's mean pleasantness (one query)."""
    totals: dict[dt.date, list[int]] = defaultdict(list)
    for day, pleasantness in (
        CheckIn.objects.owned_by(user)
        .filter(local_date__gte=start, local_date__lte=end)
        .order_by()
        .values_list("local_date", "pleasantness")
    ):
        totals[day].append(pleasantness)
    return {day: fmean(values) for day, values in totals.items()}


def _days_of(rows: list[tuple[int, str, dt.date]]) -> dict[tuple[int, str], set[dt.date]]:
    found: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for key, name, day in rows:
        found[(key, name)].add(day)
    return found


def _top(
    found: dict[tuple[int, str], set[dt.date]], limit: int
) -> list[tuple[int, str, set[dt.date]]]:
    ranked = sorted(found.items(), key=lambda item: (-len(item[1]), item[0][1].casefold()))
    return [(key, name, days) for (key, name), days in ranked[:limit]]


def listening_by_day(user: User, start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Minutes listened per local day (one query); a play without a recorded
    duration counts its track's length when known."""
    zone = user.zone
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    length = Track.objects.filter(pk=OuterRef("track_id")).order_by().values("duration_ms")
    rows = (
        Listen.objects.filter(user=user, played_at__gte=since, played_at__lt=until)
        .annotate(day=TruncDate(F("played_at"), tzinfo=zone))
        .values("day")
        .annotate(ms=Sum(Coalesce("ms_played", Subquery(length), Value(0))))
        .order_by()
    )
    return {row["day"]: (row["ms"] or 0) / 60000 for row in rows}


def candidates(
    user: User, start: dt.date, end: dt.date, moods: dict[dt.date, float]
) -> list[Candidate]:
    def within(field: str) -> dict[str, object]:
        return {
            f"{field}user": user,
            f"{field}deleted_at__isnull": True,
            f"{field}local_date__gte": start,
            f"{field}local_date__lte": end,
        }

    found: list[Candidate] = []
    tags = _days_of(
        list(
            CheckIn.tags.through.objects.filter(**within("checkin__"))
            .order_by()
            .values_list("tag_id", "tag__name", "checkin__local_date")
            .distinct()
        )
    )
    for (key, name), days in sorted(tags.items(), key=lambda item: item[0][1].casefold()):
        found.append(Candidate("tag", str(key), name, frozenset(days)))
    words = _days_of(
        list(
            CheckIn.words.through.objects.filter(**within("checkin__"))
            .order_by()
            .values_list("emotionword_id", "emotionword__word", "checkin__local_date")
            .distinct()
        )
    )
    for key, name, days in _top(words, MAX_WORDS):
        found.append(Candidate("word", str(key), name, frozenset(days)))
    songs: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    artists: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for track_id, title, artist_id, artist, day in (
        CheckInTrack.objects.filter(**within("checkin__"))
        .order_by()
        .values_list(
            "track_id",
            "track__title",
            "track__artist_id",
            "track__artist__name",
            "checkin__local_date",
        )
    ):
        songs[(track_id, title)].add(day)
        artists[(artist_id, artist)].add(day)
    for key, name, days in _top(songs, MAX_MUSIC):
        found.append(Candidate("song", str(key), name, frozenset(days)))
    for key, name, days in _top(artists, MAX_MUSIC):
        found.append(Candidate("artist", str(key), name, frozenset(days)))
    minutes = listening_by_day(user, start, end)
    listened = {day: minutes.get(day, 0.0) for day in moods}
    split = median_split(listened, moods)
    if split is not None:
        above, _every_day, middle = split
        found.append(
            Candidate(
                "listening",
                "minutes",
                "listening",
                above,
                None,  # every day with a mood: shares the tags' shuffles
                with_label=f"days you listened more than {round(middle)} minutes",
                without_label=f"days with {round(middle)} minutes or less",
            )
        )
    for kind, values in day_attributes.values_between(user, start, end).items():
        spec = day_attributes.SPECS.get(kind)
        split = median_split(values, moods) if spec else None
        if spec is None or split is None:
            continue
        above, universe, middle = split
        amount = f"{day_attributes.show(middle)} {spec.unit}"
        found.append(
            Candidate(
                "attribute",
                kind,
                spec.noun,
                above,
                universe,
                with_label=f"days you {spec.more_than} {amount}",
                without_label=f"days with {amount} or less",
            )
        )
    return found


def correlations(
    user: User, start: dt.date, end: dt.date, *, min_days: int = MIN_DAYS
) -> Correlations:
    moods = day_moods(user, start, end)
    report = compare(moods, candidates(user, start, end, moods), min_days=min_days)
    return Correlations(report, start, end)
