"""Writing imported plays: tracks resolved in batches, listens inserted once.

The rules (docs/import-dedup.md):

- ``played_at`` is when the play *started*, in UTC, cut to whole seconds.
  Spotify's ``ts``/``endTime`` is the end of the play, so its importer passes
  ``ts - ms_played``; ListenBrainz, Last.fm and Apple Music give the start.
- The same play imported twice arrives once: ``Listen`` is unique on
  (user, track, played_at) and rows go in with ``bulk_create(ignore_conflicts)``.
- The user's play statistics (``UserTrack.play_count``, ``ms_played_total``,
  ``last_played_at``) grow with the listens that went in, in the statement
  that inserts them (PostgreSQL); only tracks new to the user's library are
  recounted from every listen, and only they get their feel computed, at the
  end (docs/listen-import-throughput.md).
- Histories from two services overlap (Spotify scrobbling to ListenBrainz or
  Last.fm): a play is "already there" when the user has a listen of the same
  track from *another* source starting within ``CROSS_SOURCE_WINDOW`` of it.
  Each existing listen absorbs at most one incoming play, so a song played
  twice in a row still counts twice. Checked with one query per batch.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from config.text import scrub
from imports.registry import ImportFormatError
from imports.report import ImportReport
from music.catalogue import TrackInfo, artist_key, title_key
from music.models import Artist, Listen, Track, UserTrack

BATCH_SIZE = 1000
CROSS_SOURCE_WINDOW = dt.timedelta(minutes=3)
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
SKIP_UNDER_MS = 30_000


@dataclass
class Play:
    info: TrackInfo
    played_at: dt.datetime
    ms_played: int | None = None
    skipped: bool = False
    line: int | None = None
    # Kept on the listen as it came (Listen.details): release, MusicBrainz ids,
    # the player and where it played.
    details: dict[str, object] | None = None


def clean(value: object, limit: int = 300) -> str:
    """Storable, single-line text (NUL dropped, lone surrogates replaced)."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable():  # the common case, cheaply
        return text.strip()[:limit]
    return " ".join(scrub(text).split())[:limit]


def valid_mbid(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def latest() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


def in_range(moment: dt.datetime, upper: dt.datetime | None = None) -> bool:
    return EARLIEST <= moment <= (upper or latest())


def _keys(info: TrackInfo) -> tuple[str, str]:
    return (artist_key(info.artist) or info.artist.strip().casefold(), title_key(info.title))


def resolve_tracks(infos: list[TrackInfo], owner: User | int) -> list[int]:
    """The owner's track ids for these infos, creating the missing ones: a fixed
    handful of queries for the whole batch whatever its size. Only the owner's
    own tracks are matched or filled in (docs/catalogue-per-user.md)."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    mine = Track.objects.filter(owner_id=owner_id)
    ids: list[int | None] = [None] * len(infos)
    keys = [_keys(info) for info in infos]
    uris = {info.spotify_uri for info in infos if info.spotify_uri}
    mbids = {info.mbid for info in infos if info.mbid}
    isrcs = {info.isrc for info in infos if info.isrc}

    def lookup() -> None:
        by_uri: dict[str, int] = {}
        by_mbid: dict[str, int] = {}
        if uris:
            by_uri = dict(
                mine.filter(spotify_uri__in=uris).values_list("spotify_uri", "id")  # type: ignore[arg-type]
            )
        if mbids:
            by_mbid = {
                str(mbid): pk for mbid, pk in mine.filter(mbid__in=mbids).values_list("mbid", "id")
            }
        by_isrc: dict[str, int] = {}
        if isrcs:
            by_isrc = dict(
                mine.filter(isrc__in=isrcs).order_by("-pk").values_list("isrc", "id")  # type: ignore[arg-type]
            )
        wanted = {key for i, key in enumerate(keys) if ids[i] is None}
        by_name: dict[tuple[str, str], int] = {}
        if wanted:
            rows = mine.filter(
                artist__name_key__in={a for a, _ in wanted},
                title_key__in={t for _, t in wanted},
            ).values_list("artist__name_key", "title_key", "id")
            by_name = {(a, t): pk for a, t, pk in rows if (a, t) in wanted}
        for i, info in enumerate(infos):
            if ids[i] is not None:
                continue
            ids[i] = (
                (by_mbid.get(info.mbid) if info.mbid else None)
                or (by_uri.get(info.spotify_uri) if info.spotify_uri else None)
                or (by_isrc.get(info.isrc) if info.isrc else None)
                or by_name.get(keys[i])
            )

    lookup()
    missing = [i for i, pk in enumerate(ids) if pk is None]
    if missing:
        names = {keys[i][0]: infos[i].artist.strip()[:300] for i in missing}
        Artist.objects.bulk_create(
            [
                Artist(owner_id=owner_id, name=name or key, name_key=key)
                for key, name in names.items()
            ],
            ignore_conflicts=True,
        )
        artist_ids = dict(
            Artist.objects.filter(owner_id=owner_id, name_key__in=names).values_list(
                "name_key", "id"
            )
        )
        new: dict[tuple[str, str], Track] = {}
        for i in missing:
            info = infos[i]
            if keys[i] in new:
                continue
            new[keys[i]] = Track(
                owner_id=owner_id,
                artist_id=artist_ids[keys[i][0]],
                title=info.title.strip()[:300],
                title_key=keys[i][1],
                album=info.album[:300],
                duration_ms=info.duration_ms,
                mbid=info.mbid or None,
                spotify_uri=info.spotify_uri or None,
                isrc=info.isrc or None,
            )
        # Ids already on another of the owner's tracks (a uri under other names)
        # are dropped rather than losing the row to the conflict.
        taken_uris = set(
            mine.filter(
                spotify_uri__in={t.spotify_uri for t in new.values() if t.spotify_uri}
            ).values_list("spotify_uri", flat=True)
        )
        seen_uris: set[str] = set()
        seen_mbids: set[object] = set()
        for track in new.values():
            if track.spotify_uri and (
                track.spotify_uri in taken_uris or track.spotify_uri in seen_uris
            ):
                track.spotify_uri = None
            if track.mbid and track.mbid in seen_mbids:
                track.mbid = None
            if track.spotify_uri:
                seen_uris.add(track.spotify_uri)
            if track.mbid:
                seen_mbids.add(track.mbid)
        Track.objects.bulk_create(list(new.values()), ignore_conflicts=True)
        lookup()
    _fill_in_details(ids, infos, owner_id)
    return _fill(ids, infos, owner_id)


FILLABLE = ("spotify_uri", "mbid", "isrc", "album", "duration_ms")


def _fill_in_details(ids: list[int | None], infos: list[TrackInfo], owner_id: int) -> None:
    """Give the owner's tracks found by name the ids and details this file knows
    and they lack (a Spotify URI, MusicBrainz id, album...), so later imports
    match them by id. Their own data on their own rows: nobody else's track is
    touched. Two queries for the batch; a conflict leaves them as they were."""
    offers: dict[int, TrackInfo] = {}
    for pk, info in zip(ids, infos, strict=True):
        if pk is not None and pk not in offers and any(getattr(info, f) for f in FILLABLE):
            offers[pk] = info
    if not offers:
        return
    changed: list[Track] = []
    claimed: set[object] = set()
    for track in Track.objects.filter(pk__in=offers, owner_id=owner_id).only("pk", *FILLABLE):
        info = offers[track.pk]
        dirty = False
        for field in FILLABLE:
            value = getattr(info, field)
            if not value or getattr(track, field):
                continue
            if field in ("spotify_uri", "mbid"):
                if (field, value) in claimed:
                    continue
                claimed.add((field, value))
            setattr(track, field, value[:300] if isinstance(value, str) else value)
            dirty = True
        if dirty:
            changed.append(track)
    if changed:
        try:
            with transaction.atomic():
                Track.objects.bulk_update(changed, FILLABLE)
        except IntegrityError:
            pass  # another of the owner's tracks has one of these ids; names still match


def _fill(ids: list[int | None], infos: list[TrackInfo], owner_id: int) -> list[int]:
    # Extremely rare (an mbid on one of the owner's tracks with other names): one by one.
    from music.catalogue import get_or_create_track

    return [
        pk if pk is not None else get_or_create_track(infos[i], owner_id).pk
        for i, pk in enumerate(ids)
    ]


class ListenWriter:
    """Collects plays and writes them in batches. Use as a context manager, or
    call ``flush()`` at the end. ``track_ids`` holds every track touched;
    ``recount`` the ones whose play statistics and feel ``finish()`` computes
    from scratch: tracks new to the user's library (on SQLite, every track
    touched)."""

    def __init__(self, user: User, source: str, report: ImportReport) -> None:
        self.user = user
        self.source = source
        self.report = report
        self.pending: list[Play] = []
        self.track_ids: set[int] = set()
        self.recount: set[int] = set()
        self.latest = latest()
        # Track ids already resolved in this import, by what the file said.
        self.known: dict[tuple[str | None, str | None, str, str], int] = {}

    def __enter__(self) -> ListenWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # A file that turns out to be the wrong format part-way keeps what came
        # before it, with the library's counts brought up to date.
        if kind is None or issubclass(kind, ImportFormatError):
            self.finish()

    def add(self, play: Play) -> None:
        if not (play.info.artist.strip() and play.info.title.strip()):
            self.report.bad_row(play.line, "no artist or title")
            return
        played_at = play.played_at.astimezone(dt.UTC).replace(microsecond=0)
        if not in_range(played_at, self.latest):
            self.report.bad_row(
                play.line, "date out of range", f"{played_at:%Y-%m-%d} is not a date we can use"
            )
            return
        play.played_at = played_at
        if play.ms_played is not None:
            play.ms_played = max(0, min(int(play.ms_played), 2**31 - 1))
        self.pending.append(play)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def finish(self) -> None:
        self.flush()
        if self.recount:
            from music.feel import recompute_feel
            from music.plays import refresh_plays

            # A listen changes no feel (ratings, check-ins, heard feel and tags
            # do; heard feel notices new listens by itself, music/heard_feel.py),
            # so only tracks just added to the library need theirs.
            refresh_plays(self.user, self.recount)
            recompute_feel(self.user, self.recount)

    def _resolve(self, infos: list[TrackInfo]) -> list[int]:
        keys = [(i.spotify_uri, i.mbid, i.artist, i.title) for i in infos]
        unknown = {
            key: info for key, info in zip(keys, infos, strict=True) if key not in self.known
        }
        if unknown:
            found = resolve_tracks(list(unknown.values()), self.user)
            self.known.update(zip(unknown, found, strict=True))
        return [self.known[key] for key in keys]

    def flush(self) -> None:
        plays, self.pending = self.pending, []
        if not plays:
            return
        track_ids = self._resolve([play.info for play in plays])
        self.track_ids.update(track_ids)
        self.recount.update(add_to_library(self.user.pk, set(track_ids)))
        low = min(p.played_at for p in plays) - CROSS_SOURCE_WINDOW
        high = max(p.played_at for p in plays) + CROSS_SOURCE_WINDOW
        existing = Listen.objects.filter(
            user=self.user, track_id__in=set(track_ids), played_at__range=(low, high)
        ).values_list("track_id", "played_at", "source")
        exact: set[tuple[int, dt.datetime]] = set()
        others: dict[int, list[dt.datetime]] = defaultdict(list)
        for track_id, played_at, source in existing:
            exact.add((track_id, played_at))
            if source != self.source:
                others[track_id].append(played_at)
        for times in others.values():
            times.sort()
        rows: list[ListenRow] = []
        duplicates = 0
        for play, track_id in zip(plays, track_ids, strict=True):
            key = (track_id, play.played_at)
            if key in exact:
                duplicates += 1
                continue
            near = others.get(track_id)
            if near:
                at = bisect.bisect_left(near, play.played_at - CROSS_SOURCE_WINDOW)
                if at < len(near) and near[at] <= play.played_at + CROSS_SOURCE_WINDOW:
                    near.pop(at)  # one existing listen absorbs one incoming play
                    duplicates += 1
                    continue
            exact.add(key)
            rows.append((track_id, play.played_at, play.ms_played, play.skipped, play.details))
        inserted = insert_listens(self.user.pk, self.source, rows)
        self.report.add_imported(inserted)
        self.report.add_duplicates(duplicates + len(rows) - inserted)


ListenRow = tuple[int, dt.datetime, int | None, bool, dict[str, object] | None]


def add_to_library(user_id: int, track_ids: set[int]) -> set[int]:
    """Give the user a UserTrack row for each track; returns the tracks whose
    rows are new (their statistics and feel are computed from scratch). On
    SQLite, every track: its listens are counted by a recount, not as they go in."""
    if not track_ids:
        return set()
    if connection.vendor != "postgresql":
        return track_ids
    # Columns with a Python-side default (and no database default) get it here.
    defaults = [
        field
        for field in UserTrack._meta.concrete_fields
        if field.has_default() and not field.primary_key
    ]
    columns = "".join(f", {field.column}" for field in defaults)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {UserTrack._meta.db_table} (user_id, track_id{columns})
            SELECT %s, t{", %s" * len(defaults)} FROM unnest(%s::bigint[]) AS u(t)
            ON CONFLICT (user_id, track_id) DO NOTHING
            RETURNING track_id
            """,  # noqa: S608 - table and column names are ours, values are parameters
            [
                user_id,
                *(field.get_db_prep_save(field.get_default(), connection) for field in defaults),
                sorted(track_ids),
            ],
        )
        return {row[0] for row in cursor.fetchall()}


def insert_listens(user_id: int, source: str, rows: list[ListenRow]) -> int:
    """Insert listens, ignoring ones already there; returns how many went in.

    On PostgreSQL one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING
    (building a thousand model instances costs more than the database does),
    and the same statement adds the listens that went in to the user's play
    statistics on their UserTrack rows (add_to_library made them): a batch
    costs the same however long the user's history. Elsewhere (the embedded
    SQLite default) bulk_create with ignore_conflicts, counted by a recount.
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        # A batch's listens mostly carry the same details (the player, the
        # client): each distinct one is sent and parsed once, rows point at it.
        distinct: dict[str, int] = {}
        pointers = [
            distinct.setdefault(json.dumps(row[4]), len(distinct) + 1) if row[4] else None
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH added AS (
                    INSERT INTO {Listen._meta.db_table}
                        (user_id, track_id, played_at, ms_played, skipped, source, details)
                    SELECT %s, t, p, m, s, %s, (%s::jsonb[])[d]
                    FROM unnest(
                        %s::bigint[], %s::timestamptz[], %s::integer[], %s::boolean[], %s::int[]
                    ) AS u(t, p, m, s, d)
                    ON CONFLICT DO NOTHING
                    RETURNING track_id, played_at, ms_played, skipped
                ), counted AS (
                    UPDATE {UserTrack._meta.db_table} AS ut
                    SET play_count = ut.play_count + a.plays,
                        ms_played_total = ut.ms_played_total + a.ms,
                        last_played_at = GREATEST(ut.last_played_at, a.last)
                    FROM (
                        SELECT track_id,
                            count(*) FILTER (WHERE NOT skipped) AS plays,
                            COALESCE(sum(ms_played), 0) AS ms,
                            max(played_at) AS last
                        FROM added GROUP BY track_id
                    ) AS a
                    WHERE ut.user_id = %s AND ut.track_id = a.track_id
                )
                SELECT count(*) FROM added
                """,  # noqa: S608 - the table names are ours, values are parameters
                [
                    user_id,
                    source,
                    list(distinct),
                    [row[0] for row in rows],
                    [row[1] for row in rows],
                    [row[2] for row in rows],
                    [row[3] for row in rows],
                    pointers,
                    user_id,
                ],
            )
            (count,) = cursor.fetchone()
            return int(count)
    before = Listen.objects.filter(user_id=user_id).count()
    Listen.objects.bulk_create(
        [
            Listen(
                user_id=user_id,
                track_id=track_id,
                played_at=played_at,
                ms_played=ms,
                skipped=skipped,
                source=source,
                details=details or None,
            )
            for track_id, played_at, ms, skipped, details in rows
        ],
        ignore_conflicts=True,
    )
    return Listen.objects.filter(user_id=user_id).count() - before
