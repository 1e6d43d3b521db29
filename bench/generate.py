"""Seeded, reproducible benchmark data: users with years of check-ins (several a
day, with words, tags, notes and songs) and listens, big libraries, and many
users with one week each. Bulk paths use PostgreSQL COPY."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Max, Min

from accounts.models import User
from accounts.onboarding import welcome
from journal.crypto import associated_data, encrypt_text
from journal.models import CheckIn, Tag
from journal.search import index_notes
from mood.models import EmotionWord
from music.models import Artist, Track

NOTE_WORDS = (
    "calm tired river walk work friends music piano choir rain coffee sleep lonely hopeful "
    "anxious sunny quiet family dinner run gym headache deadline song album concert dance "
    "sing guitar book movie garden cat train"
).split()
# In about 5% of the notes (chosen by the check-in's uuid, so the other
# figures' random stream is unchanged): the "word in 5% of notes" search.
RARE_WORD = "lighthouse"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"]


def clamp(value: float) -> int:
    return max(-4, min(4, round(value)))


def settle() -> None:
    """Bring the database to the state a live one is in after a bulk load:
    planner statistics fresh, the new rows vacuumed (visibility map set) and
    their pages written out. Right after a bulk COPY the statistics are empty
    and the planner picks nested loops over millions of rows (a later section,
    the Spotify import, ran 9x slower behind the 100k-user week); and
    autovacuum and the checkpointer would otherwise work through the load's
    millions of rows while the next figure is being measured (a reflection
    run took 365 s instead of about 230 s). On SQLite (`--sqlite`): ANALYZE,
    and the write-ahead log folded into the database file."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def _copy(table: str, columns: list[str], rows: Iterator[tuple[object, ...]]) -> int:
    if connection.vendor != "postgresql":
        return _insert(table, columns, rows)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _insert(table: str, columns: list[str], rows: Iterator[tuple[object, ...]]) -> int:
    """COPY's stand-in on SQLite: executemany in chunks, values adapted as the ORM would."""
    ops = connection.ops

    def adapt(value: object) -> Any:
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        if isinstance(value, uuid.UUID):
            return value.hex
        return value

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    count = 0
    chunk: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([adapt(value) for value in row])
            if len(chunk) == 5000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _new_rows(model: type[Track] | type[Artist], before: int, expected: int) -> int:
    """The first id of `expected` rows just bulk-loaded after id `before`,
    checked to be one run in load order (COPY and executemany take ids from
    the sequence row by row), so callers can compute ids instead of reading
    millions back."""
    if not expected:
        return before + 1
    found = model.objects.filter(pk__gt=before).aggregate(
        first=Min("pk"), last=Max("pk"), n=Count("pk")
    )
    if found["n"] != expected or found["last"] - found["first"] + 1 != expected:
        raise RuntimeError(f"{model.__name__} ids are not one run after the bulk load")
    return int(found["first"])


def _last_id(model: type[Track] | type[Artist]) -> int:
    return int(model.objects.aggregate(last=Max("pk"))["last"] or 0)


def make_libraries(
    owner_ids: list[int], per_owner: int, rng: random.Random, prefix: str = "bench"
) -> list[range]:
    """Every owner their own `per_owner` tracks over per_owner/8 artists (each
    user's catalogue is theirs: docs/catalogue-per-user.md); the track ids of
    each owner, in the order of `owner_ids`."""
    n_artists = max(1, per_owner // 8)
    before_artist = _last_id(Artist)
    _copy(
        "music_artist",
        ["owner_id", "name", "name_key"],
        (
            (owner, f"{prefix} artist {a}", f"{prefix} artist {a}")
            for owner in owner_ids
            for a in range(n_artists)
        ),
    )
    first_artist = _new_rows(Artist, before_artist, n_artists * len(owner_ids))
    now = dt.datetime.now(dt.UTC)
    before_track = _last_id(Track)

    def rows() -> Iterator[tuple[object, ...]]:
        for index, owner in enumerate(owner_ids):
            for i in range(per_owner):
                title = f"{prefix} song {i}"
                yield (
                    owner,
                    first_artist + index * n_artists + rng.randrange(n_artists),
                    title,
                    title,
                    "",
                    rng.randint(120_000, 360_000),
                    round(rng.uniform(60, 170), 1),
                    "",
                    "",
                    now,
                )

    _copy(
        "music_track",
        [
            "owner_id",
            "artist_id",
            "title",
            "title_key",
            "album",
            "duration_ms",
            "bpm",
            "musical_key",
            "tags",
            "created_at",
        ],
        rows(),
    )
    first = _new_rows(Track, before_track, per_owner * len(owner_ids))
    return [
        range(first + index * per_owner, first + (index + 1) * per_owner)
        for index in range(len(owner_ids))
    ]


def make_library(
    owner: User, n_tracks: int, rng: random.Random, prefix: str = "bench"
) -> list[int]:
    """n_tracks of `owner`'s own tracks over n_tracks/8 artists; returns track ids."""
    return list(make_libraries([owner.pk], n_tracks, rng, prefix)[0])


def make_user(email: str, zone: str = "Europe/Berlin") -> User:
    user = User.objects.create_user(email, "bench password 1", time_zone=zone)
    welcome(user)
    return user


def fill_history(
    user: User,
    *,
    days: int,
    track_ids: list[int],
    rng: random.Random,
    checkins_per_day: int = 3,
    listens_per_day: int = 20,
    note_share: float = 0.35,
    end: dt.date | None = None,
) -> int:
    """Check-ins (with words, tags, notes, songs) and listens for `days` days."""
    zone = ZoneInfo(user.time_zone)
    end = end or dt.datetime.now(zone).date()
    words = list(
        EmotionWord.objects.filter(user__isnull=True).values_list("id", "pleasantness", "energy")
    )
    tag_ids = list(Tag.objects.filter(user=user).values_list("id", flat=True))
    now = dt.datetime.now(dt.UTC)
    checkins: list[CheckIn] = []
    p = e = 0.0
    for offset in range(days, 0, -1):
        day = end - dt.timedelta(days=offset)
        for slot in range(checkins_per_day):
            p = p * 0.7 + rng.gauss(0.6, 1.5)
            e = e * 0.6 + rng.gauss(0, 1.5)
            hour = 8 + slot * (14 // max(1, checkins_per_day)) + rng.randint(0, 3)
            local = dt.datetime.combine(
                day, dt.time(min(hour, 23), rng.randint(0, 59)), tzinfo=zone
            )
            checkin = CheckIn(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                user=user,
                felt_at=local.astimezone(dt.UTC),
                local_date=day,
                time_zone=user.time_zone,
                pleasantness=clamp(p),
                energy=clamp(e),
                created_at=now,
                updated_at=now,
            )
            checkins.append(checkin)
    notes: dict[uuid.UUID, str] = {}
    for checkin in checkins:
        if rng.random() < note_share:
            text = " ".join(rng.choice(NOTE_WORDS) for _ in range(rng.randint(5, 30)))
            if checkin.uuid.int % 20 == 0:
                text += f" {RARE_WORD}"
            notes[checkin.uuid] = text
            checkin.note_ciphertext, checkin.note_key_id = encrypt_text(
                text, associated_data(checkin)
            )
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    ids = dict(CheckIn.objects.filter(user=user).values_list("uuid", "id"))
    through_words = CheckIn.words.through
    through_tags = CheckIn.tags.through
    word_rows: list[Any] = []
    tag_rows: list[Any] = []
    track_rows: list[tuple[object, ...]] = []
    indexed: list[tuple[int, int, str]] = []
    for checkin in checkins:
        cid = ids[checkin.uuid]
        if words:
            near = sorted(
                words,
                key=lambda w: (w[1] - checkin.pleasantness) ** 2 + (w[2] - checkin.energy) ** 2,
            )[:6]
            for word in rng.sample(near, k=min(len(near), rng.randint(0, 2))):
                word_rows.append(through_words(checkin_id=cid, emotionword_id=word[0]))
        for tag in rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(0, 3))):
            tag_rows.append(through_tags(checkin_id=cid, tag_id=tag))
        if track_ids and rng.random() < 0.4:
            track_rows.append((cid, rng.choice(track_ids), 0))
        note = notes.get(checkin.uuid)
        if note:
            indexed.append((user.pk, cid, note))
    through_words.objects.bulk_create(word_rows, batch_size=5000)
    through_tags.objects.bulk_create(tag_rows, batch_size=5000)
    _copy("journal_checkintrack", ["checkin_id", "track_id", "position"], iter(track_rows))
    index_notes(indexed)

    def listen_rows() -> Iterator[tuple[object, ...]]:
        seen: set[tuple[int, dt.datetime]] = set()
        for offset in range(days, 0, -1):
            day = end - dt.timedelta(days=offset)
            base = dt.datetime.combine(day, dt.time(7), tzinfo=zone).astimezone(dt.UTC)
            for _ in range(listens_per_day if track_ids else 0):
                played = base + dt.timedelta(seconds=rng.randint(0, 16 * 3600))
                track = rng.choice(track_ids)
                if (track, played) in seen:
                    continue
                seen.add((track, played))
                ms = rng.randint(10_000, 300_000)
                yield (user.pk, track, played, ms, ms < 30_000, "bench")

    _copy(
        "music_listen",
        ["user_id", "track_id", "played_at", "ms_played", "skipped", "source"],
        listen_rows(),
    )
    return len(checkins)


def week_users(
    n_users: int, week_start: dt.date, rng: random.Random, tracks_per_user: int = 10
) -> int:
    """n_users users, each with one local week of check-ins (3 a day) and
    listens of their own `tracks_per_user` songs."""
    first = User.objects.count()
    now = dt.datetime.now(dt.UTC)

    columns = [
        "email",
        "display_name",
        "time_zone",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "password",
        "reflection_enabled",
        "reflection_weekday",
        "reflection_time",
        "reflection_include_notes",
        "one_tap_checkin",
    ]
    # Joined well before the week, so each is past their first full week (no
    # reflection email before it).
    joined = now - dt.timedelta(days=60)
    _copy(
        "accounts_user",
        columns,
        (
            (
                f"week{first + i}@bench.example",
                "",
                rng.choice(ZONES),
                True,
                False,
                False,
                joined,
                "!",
                True,
                0,
                dt.time(8),
                False,
                False,
            )
            for i in range(n_users)
        ),
    )
    users = list(
        User.objects.filter(email__endswith="@bench.example")
        .values_list("id", "time_zone")
        .order_by("id")
    )

    def checkin_rows() -> Iterator[tuple[object, ...]]:
        for user_id, zone_name in users:
            zone = ZoneInfo(zone_name)
            p = rng.gauss(0, 2)
            for day_offset in range(7):
                day = week_start + dt.timedelta(days=day_offset)
                for slot in range(3):
                    local = dt.datetime.combine(
                        day, dt.time(9 + slot * 5, rng.randint(0, 59)), tzinfo=zone
                    )
                    yield (
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        user_id,
                        local.astimezone(dt.UTC),
                        day,
                        zone_name,
                        clamp(p + rng.gauss(0, 1.5)),
                        clamp(rng.gauss(0, 2)),
                        False,
                        "",
                        "attune",
                        now,
                        now,
                        "",
                    )

    n = _copy(
        "journal_checkin",
        [
            "uuid",
            "user_id",
            "felt_at",
            "local_date",
            "time_zone",
            "pleasantness",
            "energy",
            "energy_estimated",
            "note_key_id",
            "source",
            "created_at",
            "updated_at",
            "import_label",
        ],
        checkin_rows(),
    )
    if tracks_per_user:
        libraries = make_libraries([u for u, _ in users], tracks_per_user, rng, prefix="week")

        def listen_rows() -> Iterator[tuple[object, ...]]:
            for (user_id, _zone), track_ids in zip(users, libraries, strict=True):
                base = dt.datetime.combine(week_start, dt.time(8), tzinfo=dt.UTC)
                for k in range(10):
                    yield (
                        user_id,
                        rng.choice(track_ids),
                        base + dt.timedelta(minutes=97 * k + user_id % 50),
                        180_000,
                        False,
                        "bench",
                    )

        _copy(
            "music_listen",
            ["user_id", "track_id", "played_at", "ms_played", "skipped", "source"],
            listen_rows(),
        )
    return n


def spotify_history(path: str, plays: int, rng: random.Random, n_tracks: int = 3000) -> None:
    """A Spotify Extended Streaming History file with `plays` entries."""
    import json

    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for i in range(plays):
            n = rng.randrange(n_tracks)
            ms = rng.randint(5_000, 300_000)
            item = {
                "ts": (start + dt.timedelta(seconds=i * 400 + rng.randint(0, 60))).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "platform": "android",
                "ms_played": ms,
                "conn_country": "GB",
                "master_metadata_track_name": f"Song {n}",
                "master_metadata_album_artist_name": f"Artist {n % 400}",
                "master_metadata_album_album_name": f"Album {n % 900}",
                "spotify_track_uri": f"spotify:track:{n:022d}",
                "episode_name": None,
                "episode_show_name": None,
                "spotify_episode_uri": None,
                "reason_start": "trackdone",
                "reason_end": "trackdone",
                "shuffle": False,
                "skipped": ms < 30_000,
                "offline": False,
                "incognito_mode": False,
            }
            handle.write(("," if i else "") + json.dumps(item) + "\n")
        handle.write("]\n")
