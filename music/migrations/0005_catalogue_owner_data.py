"""Every artist and track gets an owner (docs/catalogue-per-user.md), step 2 of
3: the data.

Each track goes to the users whose rows point at it (listens, library entries,
playing-now, playlist items, check-in songs). The first of them (lowest id)
keeps the row; every other one gets a copy of it (and of its artist) and their
rows are moved onto the copy, so from here on nobody's text can change what
another sees. A track nobody points at is deleted, as is an artist left with no
track: there is nobody to give them to.

It cannot tell whose spelling a shared row had (the first writer's), so each
user keeps what they were shown until now; their next import or typed song
fills their own rows from their own data.

Queries: a few per 2,000 tracks, and one per user with shared tracks for each
kind of row pointing at tracks.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import migrations, models

CHUNK = 2000


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _pointers(apps: Any) -> list[tuple[Any, str]]:
    """(model, lookup of the user) for every row that points at a track."""
    return [
        (apps.get_model("music", "Listen"), "user_id"),
        (apps.get_model("music", "UserTrack"), "user_id"),
        (apps.get_model("music", "PlayingNow"), "user_id"),
        (apps.get_model("music", "PlaylistItem"), "playlist__user_id"),
        (apps.get_model("journal", "CheckInTrack"), "checkin__user_id"),
    ]


def give_owners(apps: Any, schema_editor: Any) -> None:
    Artist = apps.get_model("music", "Artist")
    Track = apps.get_model("music", "Track")
    pointers = _pointers(apps)

    users_of: dict[int, set[int]] = defaultdict(set)
    for model, user_lookup in pointers:
        rows = model.objects.order_by().values_list("track_id", user_lookup).distinct()
        for track_id, user_id in rows.iterator(chunk_size=CHUNK):
            users_of[track_id].add(user_id)

    orphans: list[int] = []
    kept: dict[int, list[int]] = defaultdict(list)  # user -> tracks they keep as they are
    copies: list[tuple[int, int]] = []  # (track, user) that needs its own copy
    artist_users: dict[int, set[int]] = defaultdict(set)
    tracks = Track.objects.order_by("pk").values_list("pk", "artist_id")
    for pk, artist_id in tracks.iterator(chunk_size=CHUNK):
        users = sorted(users_of.get(pk, ()))
        if not users:
            orphans.append(pk)
            continue
        kept[users[0]].append(pk)
        copies.extend((pk, user) for user in users[1:])
        artist_users[artist_id].update(users)
    for ids in _chunks(orphans):
        Track.objects.filter(pk__in=ids).delete()

    # Artists: the first user keeps the row, the others get copies.
    artist_of: dict[tuple[int, int], int] = {}
    artist_kept: dict[int, list[int]] = defaultdict(list)
    lonely: list[int] = []
    new_artists: list[tuple[tuple[int, int], Any]] = []
    for artist in Artist.objects.order_by("pk").iterator(chunk_size=CHUNK):
        users = sorted(artist_users.get(artist.pk, ()))
        if not users:
            lonely.append(artist.pk)
            continue
        artist_kept[users[0]].append(artist.pk)
        artist_of[(artist.pk, users[0])] = artist.pk
        for user in users[1:]:
            copy = Artist(owner_id=user, name=artist.name, name_key=artist.name_key, mbid=artist.mbid)
            new_artists.append(((artist.pk, user), copy))
    for batch in _chunks(new_artists):
        Artist.objects.bulk_create([copy for _, copy in batch])
        artist_of.update((key, copy.pk) for key, copy in batch)
    for user, ids in artist_kept.items():
        for chunk in _chunks(ids):
            Artist.objects.filter(pk__in=chunk).update(owner_id=user)
    for chunk in _chunks(lonely):
        Artist.objects.filter(pk__in=chunk).delete()

    for user, ids in kept.items():
        for chunk in _chunks(ids):
            Track.objects.filter(pk__in=chunk).update(owner_id=user)

    # Copies of shared tracks, then each user's rows moved onto theirs.
    moved: dict[int, dict[int, int]] = defaultdict(dict)  # user -> {old track: copy}
    fields = [
        f.attname
        for f in Track._meta.concrete_fields
        if f.attname not in {"id", "owner_id", "artist_id"}
    ]
    for batch in _chunks(copies):
        originals = Track.objects.in_bulk({pk for pk, _ in batch})
        made = []
        for pk, user in batch:
            original = originals[pk]
            copy = Track(
                owner_id=user,
                artist_id=artist_of[(original.artist_id, user)],
                **{name: getattr(original, name) for name in fields},
            )
            made.append((pk, user, copy))
        Track.objects.bulk_create([copy for _, _, copy in made])
        for pk, user, copy in made:
            moved[user][pk] = copy.pk
    for user, mapping in moved.items():
        for chunk in _chunks(list(mapping.items())):
            new_id = models.Case(
                *(models.When(track_id=old, then=models.Value(new)) for old, new in chunk),
                output_field=models.BigIntegerField(),
            )
            olds = [old for old, _ in chunk]
            for model, user_lookup in pointers:
                model.objects.filter(**{user_lookup: user, "track_id__in": olds}).update(
                    track_id=new_id
                )


class Migration(migrations.Migration):
    dependencies = [
        ("music", "0004_catalogue_owner"),
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(give_owners, migrations.RunPython.noop),
    ]
