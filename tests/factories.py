"""Make every kind of row a user can own, for the privacy and ownership tests.

`MODEL_FACTORIES` maps each model tied to a user (directly or through other
rows) to a function that creates one of it for that user. The deletion test
fails when a model tied to users has no entry here, so when you add a model,
add a line.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import AccountEmail, Invitation, User
from imports.models import ImportJob
from journal.models import (
    CheckIn,
    CheckInTrack,
    DayAttribute,
    NoteIndex,
    Tag,
    WeeklyReflection,
)
from journal.search import index_note
from mood.models import EmotionWord
from music.catalogue import TrackInfo, get_or_create_track
from music.models import (
    Artist,
    Listen,
    ListenToken,
    PlayingNow,
    Playlist,
    PlaylistItem,
    Track,
    UserTrack,
)
from reminders.models import PushSubscription, ReminderPlan, ReminderSend, ReminderTime

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_word(user: User, word: str | None = None) -> EmotionWord:
    return EmotionWord.objects.create(
        user=user, word=word or f"glimmery{_n()}", pleasantness=2, energy=1, definition="mine"
    )


def shipped_word(word: str = "content") -> EmotionWord:
    found = EmotionWord.objects.filter(user__isnull=True, word__iexact=word).first()
    return found or EmotionWord.objects.create(word=word, pleasantness=2, energy=-1)


def make_tag(user: User, name: str | None = None) -> Tag:
    return Tag.objects.create(user=user, name=name or f"walked the dog {_n()}", position=20)


def make_track(owner: User, artist: str | None = None, title: str | None = None) -> Track:
    """One of `owner`'s tracks (every track has an owner: docs/catalogue-per-user.md)."""
    n = _n()
    return get_or_create_track(
        TrackInfo(artist=artist or f"Artist {n}", title=title or f"Song {n}", album="Album"), owner
    )


def make_artist(owner: User) -> Artist:
    return make_track(owner).artist


def make_checkin(
    user: User,
    note: str = "",
    *,
    when: dt.datetime | None = None,
    pleasantness: int = 1,
    energy: int = -1,
    with_extras: bool = True,
) -> CheckIn:
    when = when or dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC) + dt.timedelta(hours=_n())
    local = when.astimezone(user.zone)
    checkin = CheckIn(
        user=user,
        felt_at=when,
        local_date=local.date(),
        time_zone=user.time_zone,
        pleasantness=pleasantness,
        energy=energy,
    )
    checkin.set_note(note)
    checkin.save()
    index_note(checkin, note)
    if with_extras:
        checkin.words.add(make_word(user), shipped_word())
        checkin.tags.add(Tag.objects.filter(user=user).first() or make_tag(user))
        CheckInTrack.objects.create(
            checkin=checkin, track=make_track(user), pleasantness=3, energy=2, position=0
        )
    return checkin


def make_user_track(user: User, track: Track | None = None) -> UserTrack:
    return UserTrack.objects.create(
        user=user,
        track=track or make_track(user),
        rating_pleasantness=2,
        rating_energy=-2,
        rated_at=timezone.now().replace(microsecond=0),
        feel_pleasantness=2.0,
        feel_energy=-2.0,
        feel_source="rating",
        is_comfort=True,
        play_count=3,
        ms_played_total=600_000,
        last_played_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
    )


def make_listen(user: User, track: Track | None = None) -> Listen:
    return Listen.objects.create(
        user=user,
        track=track or make_track(user),
        played_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=_n()),
        ms_played=200_000,
        source="spotify",
    )


def make_playlist(user: User) -> Playlist:
    playlist = Playlist.objects.create(
        user=user,
        name=f"Comfort and Solace {_n()}",
        description="Songs that hold you",
        preset="comfort",
        start_pleasantness=-2,
        start_energy=-2,
        target_pleasantness=2,
        target_energy=0,
    )
    for position in range(2):
        PlaylistItem.objects.create(playlist=playlist, track=make_track(user), position=position)
    return playlist


def make_playlist_item(user: User) -> PlaylistItem:
    return make_playlist(user).items.first()  # type: ignore[return-value]


def make_reflection(user: User, week_start: dt.date | None = None) -> WeeklyReflection:
    return WeeklyReflection.objects.create(
        user=user,
        week_start=week_start or dt.date(2026, 3, 2) + dt.timedelta(weeks=_n()),
        content={"checkins": 5, "summary": "A gentle week"},
        status=WeeklyReflection.Status.SENT,
        sent_at=dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC),
    )


def make_import_job(user: User, kind: str = "spotify") -> ImportJob:
    return ImportJob.objects.create(
        user=user, kind=kind, file_name="Streaming_History_Audio_2025.json", imported=3
    )


def make_day_attribute(user: User) -> DayAttribute:
    return DayAttribute.objects.create(
        user=user,
        local_date=dt.date(2026, 3, 1) + dt.timedelta(days=_n()),
        kind=DayAttribute.Kind.SLEEP,
        value=7,
    )


def make_note_index(user: User) -> NoteIndex:
    checkin = make_checkin(user, "tokens for the blind index", with_extras=False)
    return NoteIndex.objects.get(checkin=checkin)


def make_checkin_track(user: User) -> CheckInTrack:
    return make_checkin(user, with_extras=True).track_links.first()  # type: ignore[return-value]


def make_group_membership(user: User) -> Group:
    group, _ = Group.objects.get_or_create(name="testers")
    user.groups.add(group)
    return group


def make_permission_grant(user: User) -> None:
    user.user_permissions.add(*Permission.objects.filter(codename="view_checkin"))


def make_admin_log_entry(user: User) -> LogEntry:
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=ADDITION,
    )


def make_listen_token(user: User) -> ListenToken:
    from music.listening.tokens import token_for

    return token_for(user)


def make_playing_now(user: User) -> PlayingNow:
    return PlayingNow.objects.update_or_create(
        user=user,
        defaults={
            "track": make_track(user),
            "started_at": timezone.now(),
            "expires_at": timezone.now() + dt.timedelta(minutes=5),
            "details": {"media_player": "Navidrome"},
        },
    )[0]


def make_reminder_plan(user: User) -> ReminderPlan:
    plan, _ = ReminderPlan.objects.get_or_create(user=user, defaults={"by_email": True})
    return plan


def make_reminder_time(user: User) -> ReminderTime:
    return ReminderTime.objects.create(user=user, at=dt.time(20, 0))


def make_push_subscription(user: User) -> PushSubscription:
    return PushSubscription.objects.create(
        user=user,
        endpoint=f"https://push.example.net/s/{_n()}",
        p256dh="BPk" + "x" * 84,
        auth="a" * 22,
    )


def make_reminder_send(user: User) -> ReminderSend:
    return ReminderSend.objects.create(
        user=user,
        local_date=dt.date(2026, 3, 1) + dt.timedelta(days=_n()),
        slot="t1",
        due_at=dt.datetime(2026, 3, 1, 19, tzinfo=dt.UTC),
        status=ReminderSend.Status.SENT,
    )


def make_account_email(user: User) -> AccountEmail:
    return AccountEmail.objects.create(
        user=user, kind=AccountEmail.Kind.PASSWORD_RESET, domain="testserver", use_https=False
    )


def make_invitation(user: User) -> Invitation:
    from accounts.invitations import create_invitation

    return create_invitation(f"friend{_n()}@example.net", created_by=user)[0]


def _checkin(user: User) -> models.Model:
    return make_checkin(user, "a note")


MODEL_FACTORIES: dict[str, Callable[[User], object]] = {
    "accounts.user": lambda user: user,
    "journal.dayattribute": make_day_attribute,
    "accounts.user_groups": make_group_membership,
    "accounts.user_user_permissions": make_permission_grant,
    "admin.logentry": make_admin_log_entry,
    "mood.emotionword": make_word,
    "journal.tag": make_tag,
    "journal.checkin": _checkin,
    "journal.checkin_words": _checkin,
    "journal.checkin_tags": _checkin,
    "journal.checkintrack": make_checkin_track,
    "journal.noteindex": make_note_index,
    "journal.weeklyreflection": make_reflection,
    "music.artist": make_artist,
    "music.track": make_track,
    "music.listen": make_listen,
    "music.usertrack": make_user_track,
    "music.playlist": make_playlist,
    "music.playlistitem": make_playlist_item,
    "imports.importjob": make_import_job,
    "music.listentoken": make_listen_token,
    "music.playingnow": make_playing_now,
    "reminders.reminderplan": make_reminder_plan,
    "reminders.remindertime": make_reminder_time,
    "reminders.pushsubscription": make_push_subscription,
    "reminders.remindersend": make_reminder_send,
    "accounts.accountemail": make_account_email,
    "accounts.invitation": make_invitation,
}


def tied_models() -> dict[type[models.Model], set[str]]:
    """Every model with rows that belong to a user, and the lookups from it to
    the user: direct foreign keys, and keys to rows that belong to a user
    (found transitively over the whole app registry)."""
    from django.apps import apps

    paths: dict[type[models.Model], set[str]] = {User: {"pk"}}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                if not (field.is_relation and field.many_to_one and field.concrete):
                    continue
                for path in list(paths.get(field.related_model, ())):  # type: ignore[arg-type,call-overload]
                    new = field.name if path == "pk" else f"{field.name}__{path}"
                    if new.count("__") < 4 and new not in paths.setdefault(model, set()):
                        paths[model].add(new)
                        changed = True
    return paths


def rows_of(user: User, model: type[models.Model], paths: set[str]) -> models.QuerySet:  # type: ignore[type-arg]
    condition = models.Q()
    for path in paths:
        condition |= models.Q(**{path: user.pk})
    return model._default_manager.filter(condition).distinct()


def snapshot(user: User) -> dict[str, list[dict[str, object]]]:
    """Every row tied to `user`, field by field (to prove nothing changed)."""
    result = {}
    for model, paths in tied_models().items():
        rows = []
        for row in rows_of(user, model, paths).order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
        result[model._meta.label_lower] = rows
    return result


def make_everything(user: User) -> None:
    """At least one row of every model tied to `user`."""
    for factory in MODEL_FACTORIES.values():
        factory(user)
