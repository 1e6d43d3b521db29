"""A track's feel for one user: a point on the mood grid and where it came from.

Most trusted first:

1. the user's own rating of the track (``UserTrack.rating_*``);
2. the mean mood of the check-ins it was attached to: each link's own feel
   (``CheckInTrack.pleasantness/energy``) when given, else the check-in's mood;
3. the mean mood of the check-ins it was heard before (``UserTrack.heard_*``,
   refreshed in the background by music/heard_feel.py);
4. its mood/genre tags (``Track.tags``) mapped through the emotion vocabulary
   (the shipped ``EmotionWord`` list and the user's own words) and the small
   genre table below.

This module is the one writer of a user's derived numbers for a track: the
check-in count and mean mood (``UserTrack.checkin_*``) and the feel
(``UserTrack.feel_*``). The check-ins themselves belong to journal; they are
read through ``music.moments`` (docs/mood-core.md).

``recompute_feel(user, track_ids)`` refreshes all of it for a set of tracks in
a fixed number of statements. Call it when a rating changes, when a check-in
track is attached, changed or removed, when a check-in's mood changes, is
deleted or restored, and after imports. ``fold_new_checkin`` is the cheap path
for the commonest change, a brand-new check-in with a song: one upsert that
gives the same numbers as a recompute.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from accounts.models import User
from mood.models import EmotionWord
from music.models import FeelSource, Track, UserTrack
from music.moments import moments

# Genre -> (pleasantness, energy) on the -4..4 grid: broad, gentle guesses, used
# only when nothing better is known.
GENRE_FEEL: dict[str, tuple[int, int]] = {
    "ambient": (1, -3),
    "blues": (-1, -1),
    "classical": (1, -2),
    "country": (1, 0),
    "dance": (3, 3),
    "disco": (3, 3),
    "drum and bass": (1, 4),
    "edm": (2, 4),
    "electronic": (1, 2),
    "folk": (1, -1),
    "funk": (3, 2),
    "gospel": (3, 1),
    "grunge": (-2, 3),
    "hard rock": (0, 3),
    "heavy metal": (-1, 4),
    "hip hop": (1, 2),
    "house": (2, 3),
    "indie": (1, 0),
    "jazz": (2, -1),
    "lo-fi": (1, -2),
    "lofi": (1, -2),
    "lullaby": (2, -4),
    "metal": (-1, 4),
    "new age": (2, -3),
    "piano": (1, -2),
    "pop": (2, 2),
    "punk": (-1, 4),
    "r&b": (2, 0),
    "rap": (0, 3),
    "reggae": (2, 0),
    "rock": (1, 2),
    "sad": (-3, -2),
    "sleep": (1, -4),
    "soul": (2, 0),
    "soundtrack": (1, 0),
    "techno": (1, 3),
    "trance": (2, 3),
    "upbeat": (3, 3),
    "chill": (2, -2),
    "calm": (2, -3),
    "happy": (3, 2),
    "melancholy": (-2, -2),
    "melancholic": (-2, -2),
    "angry": (-3, 3),
    "aggressive": (-2, 4),
    "energetic": (2, 4),
    "relaxing": (2, -3),
    "romantic": (3, 0),
    "dark": (-2, 0),
}


def tag_feel(tags: str, vocabulary: dict[str, tuple[int, int]]) -> tuple[float, float] | None:
    """The mean of the points the tags name, or None when none is known."""
    points = []
    for raw in tags.split(","):
        tag = raw.strip().casefold()
        point = vocabulary.get(tag) or GENRE_FEEL.get(tag)
        if point:
            points.append(point)
    if not points:
        return None
    return (
        round(sum(p for p, _ in points) / len(points), 2),
        round(sum(e for _, e in points) / len(points), 2),
    )


def _refresh_tag_feel(user: User | int, track_ids: list[int]) -> None:
    tracks = list(
        Track.objects.filter(pk__in=track_ids, tag_pleasantness__isnull=True)
        .exclude(tags="")
        .only("pk", "tags")
    )
    if not tracks:
        return
    vocabulary = {
        word.casefold(): (p, e)
        for word, p, e in EmotionWord.objects.for_user(user)
        .order_by("user_id")
        .values_list("word", "pleasantness", "energy")
    }
    changed = []
    for track in tracks:
        feel = tag_feel(track.tags, vocabulary)
        if feel:
            track.tag_pleasantness, track.tag_energy = feel
            changed.append(track)
    Track.objects.bulk_update(changed, ["tag_pleasantness", "tag_energy"])


def recompute_feel(user: User | int, track_ids: Iterable[int]) -> None:
    """Refresh the feel of these tracks for this user (a user or their id), set-based."""
    ids = sorted(set(track_ids))
    if not ids:
        return
    user_id = user if isinstance(user, int) else user.pk
    UserTrack.objects.bulk_create(
        [UserTrack(user_id=user_id, track_id=pk) for pk in ids], ignore_conflicts=True
    )
    _refresh_tag_feel(user_id, ids)

    links = (
        moments()
        .track_links(user_id)
        .filter(track_id=OuterRef("track_id"))
        .order_by()
        .values("track_id")
    )

    def link_stat(expression: object) -> Subquery:
        return Subquery(links.annotate(value=expression).values("value")[:1])  # type: ignore[arg-type]

    as_float = FloatField()
    tracks = Track.objects.filter(pk=OuterRef("track_id"))
    mine = UserTrack.objects.filter(user_id=user_id, track_id__in=ids)
    mine.update(
        checkin_count=Coalesce(link_stat(Count("pk")), Value(0)),
        checkin_pleasantness=link_stat(Avg(Cast("link_pleasantness", as_float))),
        checkin_energy=link_stat(Avg(Cast("link_energy", as_float))),
    )
    tag_p = Subquery(tracks.values("tag_pleasantness")[:1], output_field=as_float)
    tag_e = Subquery(tracks.values("tag_energy")[:1], output_field=as_float)
    rated = {"rating_pleasantness__isnull": False, "rating_energy__isnull": False}
    from_checkins = {"checkin_count__gt": 0}
    heard = {"heard_count__gt": 0}
    mine.update(
        feel_pleasantness=Case(
            When(**rated, then=Cast("rating_pleasantness", as_float)),
            When(**from_checkins, then=F("checkin_pleasantness")),
            When(**heard, then=F("heard_pleasantness")),
            default=tag_p,
            output_field=as_float,
        ),
        feel_energy=Case(
            When(**rated, then=Cast("rating_energy", as_float)),
            When(**from_checkins, then=F("checkin_energy")),
            When(**heard, then=F("heard_energy")),
            default=tag_e,
            output_field=as_float,
        ),
        feel_source=Case(
            When(**rated, then=Value(FeelSource.RATING.value)),
            When(**from_checkins, then=Value(FeelSource.CHECKINS.value)),
            When(**heard, then=Value(FeelSource.HEARD.value)),
            When(
                Exists(tracks.filter(tag_pleasantness__isnull=False)),
                then=Value(FeelSource.TAGS.value),
            ),
            default=Value(FeelSource.UNKNOWN.value),
        ),
    )


# A new check-in's song folded into the running count and means, as one
# upsert: a first check-in with the song creates the user's row with the point
# as its mean and feel (a new row has no rating); otherwise the point is folded
# into the row. In DO UPDATE every right-hand side reads the row as it was, so
# the means use the old count, and the feel repeats the new mean rather than
# reading the column. Only a table and column names are formatted in.
_NEW_MEAN = "(COALESCE({t}.{column}, 0) * {t}.checkin_count + %s) / ({t}.checkin_count + 1.0)"
_RATED = "{t}.rating_pleasantness IS NOT NULL AND {t}.rating_energy IS NOT NULL"
_FOLD_SQL = (  # noqa: S608
    "INSERT INTO {t} (user_id, track_id, checkin_count, checkin_pleasantness, "
    "checkin_energy, feel_pleasantness, feel_energy, feel_source, is_comfort, "
    "play_count, ms_played_total, heard_count) "
    "VALUES (%s, %s, 1, %s, %s, %s, %s, %s, %s, 0, 0, 0) "
    "ON CONFLICT (user_id, track_id) DO UPDATE SET "
    "checkin_count = {t}.checkin_count + 1, "
    "checkin_pleasantness = {mean_p}, "
    "checkin_energy = {mean_e}, "
    "feel_pleasantness = CASE WHEN {rated} THEN {t}.rating_pleasantness ELSE {mean_p} END, "
    "feel_energy = CASE WHEN {rated} THEN {t}.rating_energy ELSE {mean_e} END, "
    "feel_source = CASE WHEN {rated} THEN %s ELSE %s END"
).format(
    t=UserTrack._meta.db_table,
    mean_p=_NEW_MEAN.format(t=UserTrack._meta.db_table, column="checkin_pleasantness"),
    mean_e=_NEW_MEAN.format(t=UserTrack._meta.db_table, column="checkin_energy"),
    rated=_RATED.format(t=UserTrack._meta.db_table),
)


def fold_new_checkin(user_id: int, track_id: int, point: tuple[int, int]) -> None:
    """A song on a brand-new live check-in, felt at `point` (the song's own
    feel, else the check-in's mood): fold it into the user's count, means and
    feel with one statement instead of re-reading every check-in with the
    song. The row-level upsert is atomic, so concurrent check-ins with the same
    song each count once. It gives what `recompute_feel` would (a test holds
    them equal)."""
    p, e = point
    rating, checkins = FeelSource.RATING.value, FeelSource.CHECKINS.value
    # Plain SQL: the ORM's expression compiler cost more than the statement itself.
    with connection.cursor() as cursor:
        cursor.execute(
            _FOLD_SQL,
            [user_id, track_id, p, e, p, e, checkins, False, p, e, p, e, rating, checkins],
        )
