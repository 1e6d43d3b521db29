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
from music.imports.listen_sql import ListenRow, add_to_library, existing_listens, insert_listens
from music.models import Artist, Track

# Listens go in 5,000 at a time: each batch adds its plays to the library row
# of every track it touched, so fewer, larger batches rewrite those rows less
# often. Tracks are resolved (and made) 1,000 at a time: the model instances a
# new library's first batch makes are the peak of an import's memory.
BATCH_SIZE = 5000
RESOLVE_SIZE = 1000
CROSS_SOURCE_WINDOW = dt.timedelta(minutes=3)
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
SKIP_UNDER_MS = 30_000


# What a file says of a track (URI, MusicBrainz id, artist, title): the
# writer's cache of resolved tracks is keyed on it.
TrackKey = tuple[str | None, str | None, str, str]
# A listen waiting for its batch, without the Play it came in: its track's id,
# or its key (one object per track) until resolved; start, ms, skipped, details.
Pending = tuple[TrackKey | int, dt.datetime, int | None, bool, dict[str, object] | None]


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


def resolve_tracks(
    infos: list[TrackInfo], owner: User | int, created: set[int] | None = None
) -> list[int]:
    """The owner's track ids for these infos, creating the missing ones: a fixed
    handful of queries for the whole batch whatever its size. Only the owner's
    own tracks are matched or filled in (docs/catalogue-per-user.md). The ids
    of the tracks that were not there before this call (it made them) are
    added to `created` when it is given."""
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
        if created is not None:
            created.update(pk for i in missing if (pk := ids[i]) is not None)
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
    # Plain rows, not model instances: mostly every track already has what
    # the file offers, and a model instance for each cost more than the query.
    rows = Track.objects.filter(pk__in=offers, owner_id=owner_id).values_list("pk", *FILLABLE)
    for pk, *current in rows:
        info = offers[pk]
        have = dict(zip(FILLABLE, current, strict=True))
        dirty = False
        for field in FILLABLE:
            value = getattr(info, field)
            if not value or have[field]:
                continue
            if field in ("spotify_uri", "mbid"):
                if (field, value) in claimed:
                    continue
                claimed.add((field, value))
            have[field] = value[:300] if isinstance(value, str) else value
            dirty = True
        if dirty:
            changed.append(Track(pk=pk, **have))
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
    from scratch: tracks new to the user's library that this import did not
    make (on SQLite, every track touched).

    A track this import made needs neither: its only listens are this
    import's, counted on its row as they went in, and it has nothing a feel
    comes from (docs/listen-import-throughput.md)."""

    def __init__(self, user: User, source: str, report: ImportReport) -> None:
        self.user = user
        self.source = source
        self.report = report
        self.pending: list[Pending] = []
        self.unresolved: dict[TrackKey, tuple[TrackKey, TrackInfo]] = {}
        self.track_ids: set[int] = set()
        self.recount: set[int] = set()
        # Tracks this import made, and tracks known to have a library row.
        self.created: set[int] = set()
        self.in_library: set[int] = set()
        self.latest = latest()
        # Track ids already resolved in this import, by what the file said.
        self.known: dict[TrackKey, int] = {}

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
        info = play.info
        key = (info.spotify_uri, info.mbid, info.artist, info.title)
        track: TrackKey | int | None = self.known.get(key)
        if track is None:
            # The batch's last info for a track is the one resolved.
            key = self.unresolved.get(key, (key,))[0]
            self.unresolved[key] = (key, info)
            track = key
        self.pending.append((track, played_at, play.ms_played, play.skipped, play.details))
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

    def resolve(self) -> None:
        """Find (or make) the tracks of the listens queued so far now, so the
        next flush has only listens to write. The listening API does this
        before it takes its import slot (music/listening/submission.py)."""
        self._resolve([])

    def _resolve(self, tracks: list[TrackKey | int]) -> list[int]:
        unknown, self.unresolved = list(self.unresolved.values()), {}
        for at in range(0, len(unknown), RESOLVE_SIZE):
            chunk = unknown[at : at + RESOLVE_SIZE]
            found = resolve_tracks([info for _, info in chunk], self.user, self.created)
            self.known.update(zip((key for key, _ in chunk), found, strict=True))
        known = self.known
        return [track if isinstance(track, int) else known[track] for track in tracks]

    def flush(self) -> None:
        plays, self.pending = self.pending, []
        if not plays:
            return
        track_ids = self._resolve([play[0] for play in plays])
        self.track_ids.update(track_ids)
        touched = set(track_ids)
        added = add_to_library(self.user.pk, touched - self.in_library)
        self.in_library |= touched
        if connection.vendor == "postgresql":
            added -= self.created
        self.recount |= added
        low = min(p[1] for p in plays) - CROSS_SOURCE_WINDOW
        high = max(p[1] for p in plays) + CROSS_SOURCE_WINDOW
        existing = existing_listens(self.user.pk, touched, low, high)
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
        for (_, played_at, ms_played, skipped, details), track_id in zip(
            plays, track_ids, strict=True
        ):
            key = (track_id, played_at)
            if key in exact:
                duplicates += 1
                continue
            near = others.get(track_id)
            if near:
                at = bisect.bisect_left(near, played_at - CROSS_SOURCE_WINDOW)
                if at < len(near) and near[at] <= played_at + CROSS_SOURCE_WINDOW:
                    near.pop(at)  # one existing listen absorbs one incoming play
                    duplicates += 1
                    continue
            exact.add(key)
            rows.append((track_id, played_at, ms_played, skipped, details))
        inserted = insert_listens(self.user.pk, self.source, rows)
        self.report.add_imported(inserted)
        self.report.add_duplicates(duplicates + len(rows) - inserted)
