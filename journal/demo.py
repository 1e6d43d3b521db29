"""The demo account's journal: about three months of check-ins that feel lived in.

Moods drift from day to day with a weekly rhythm (Mondays a little heavier,
weekends lighter) and a harder stretch in the middle; words, notes, tags and
songs are chosen to fit each moment, so history, charts and playlists have
something true-looking to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, Tag
from journal.search import index_note
from mood.models import EmotionWord
from mood.values import Quadrant, quadrant_of
from music.feel import recompute_feel
from music.models import Track, UserTrack

NOTES: dict[Quadrant, list[str]] = {
    Quadrant.YELLOW: [
        "Choir tonight! Singing with everyone lifted me right up.",
        "Danced in the kitchen while the pasta boiled. Silly and lovely.",
        "Finished the report early and went for a run with loud music.",
        "Concert with Jo. The whole room sang the last chorus together.",
        "Sunny walk to work, new album on repeat.",
        "Played guitar with Sam for an hour; we almost got the bridge right.",
        "Good news from the doctor. Called Mum straight away.",
    ],
    Quadrant.RED: [
        "Deadline stress. Put on something loud and tidied the flat to shake it off.",
        "Argument on the bus replaying in my head all afternoon.",
        "Too many meetings. Jaw tight by four o'clock.",
        "Couldn't find my keys and missed the train. Breathed through it.",
        "Neighbours' drilling all morning. Headphones saved me.",
        "Nervous about tomorrow's interview. Practised out loud.",
    ],
    Quadrant.BLUE: [
        "Felt lonely this evening. Called Mum, which helped a little.",
        "Couldn't sleep. Put on something quiet and it helped a bit.",
        "Grey day. Stayed in and listened to old sad songs, which was oddly good.",
        "Missing Dad today. Played his favourite record.",
        "Tired after a long week. Early night.",
        "Nobody replied to my message. Trying not to read into it.",
    ],
    Quadrant.GREEN: [
        "Slow morning. Tea and the window and nothing to do.",
        "Read in the park with the piano playlist. Calm.",
        "Quiet Sunday, cooked soup, listened to an old album start to finish.",
        "Long bath and Clair de lune. Feeling soft around the edges.",
        "Sat with the cat and a cup of cocoa. Grateful for small things.",
        "Played piano for half an hour. Hands remembered more than I expected.",
    ],
    Quadrant.NEUTRAL: [
        "Ordinary day. Work, groceries, a podcast.",
        "Not sure how I feel. A bit of everything.",
        "Busy, not bad. Lots of small errands.",
        "Walked by the river with headphones on.",
    ],
}

# Tags that fit each kind of moment (names from DEFAULT_TAGS).
TAGS_BY_QUADRANT: dict[Quadrant, list[str]] = {
    Quadrant.YELLOW: [
        "listened to music",
        "danced",
        "sang",
        "sang or played with others",
        "went to a concert",
        "time with friends",
        "exercise",
        "slept well",
    ],
    Quadrant.RED: ["work", "slept badly", "listened to music", "exercise"],
    Quadrant.BLUE: ["alone time", "slept badly", "listened to music", "therapy", "work"],
    Quadrant.GREEN: [
        "alone time",
        "listened to music",
        "played an instrument",
        "slept well",
        "therapy",
    ],
    Quadrant.NEUTRAL: ["work", "listened to music", "alone time", "exercise"],
}


def _mood_target(day: dt.date, offset: int, days: int) -> tuple[float, float]:
    weekday_lift = {0: -0.8, 1: -0.3, 2: 0.0, 3: 0.2, 4: 0.6, 5: 1.2, 6: 0.9}[day.weekday()]
    # A harder few weeks in the middle of the period, then recovery.
    middle = abs(offset - days / 2) < days / 6
    return 1.0 + weekday_lift - (2.2 if middle else 0.0), (-0.6 if middle else 0.3)


def _lean(value: float, rng: random.Random) -> int:
    """Round, but let most near-zero values lean to the side they are on:
    people rarely feel exactly neutral."""
    rounded = round(value)
    if rounded == 0 and rng.random() < 0.6:
        return 1 if value >= 0 else -1
    return rounded


def _near[T](p: int, e: int, items: Sequence[tuple[int, int, T]], k: int) -> list[T]:
    ranked = sorted(items, key=lambda item: (item[0] - p) ** 2 + (item[1] - e) ** 2)
    return [item[2] for item in ranked[:k]]


def seed_journal(user: User, rng: random.Random, *, days: int, tracks: list[Track]) -> None:
    zone = user.zone
    tags_by_name = {tag.name: tag for tag in Tag.objects.filter(user=user)}
    words = [
        (word.pleasantness, word.energy, word)
        for word in EmotionWord.objects.filter(user__isnull=True)
    ]
    feels = {
        item.track_id: (item.rating_pleasantness, item.rating_energy)
        for item in UserTrack.objects.filter(user=user, track__in=tracks)
    }
    songs = [
        (
            feels.get(track.pk, (None, None))[0] or 0,
            feels.get(track.pk, (None, None))[1] or 0,
            track,
        )
        for track in tracks
    ]
    today = timezone.now().astimezone(zone).date()
    p, e = 1.0, 0.0
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        if rng.random() < 0.12:
            continue  # a day without a check-in: perfectly fine
        target_p, target_e = _mood_target(day, offset, days)
        hours = sorted(rng.sample(range(7, 23), k=rng.choice([1, 1, 2, 2, 3])))
        for hour in hours:
            # Energy follows the day: livelier late morning, low late at night.
            daily_e = 1.0 if 9 <= hour <= 13 else (-1.5 if hour >= 21 else 0.0)
            p = max(-4.0, min(4.0, p * 0.55 + target_p * 0.45 + rng.gauss(0, 1.3)))
            e = max(-4.0, min(4.0, e * 0.4 + (target_e + daily_e) * 0.6 + rng.gauss(0, 1.3)))
            mood_p, mood_e = _lean(p, rng), _lean(e, rng)
            quadrant = quadrant_of(mood_p, mood_e)
            local = dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=zone)
            checkin = CheckIn(
                user=user,
                felt_at=local.astimezone(dt.UTC),
                local_date=day,
                time_zone=user.time_zone,
                pleasantness=mood_p,
                energy=mood_e,
            )
            note = rng.choice(NOTES[quadrant]) if rng.random() < 0.45 else ""
            checkin.set_note(note)
            checkin.save()
            if note:
                index_note(checkin, note)
            if words and rng.random() < 0.8:
                near = _near(mood_p, mood_e, words, 5)
                checkin.words.set(rng.sample(near, k=rng.randint(1, 3)))
            fitting = [tags_by_name[n] for n in TAGS_BY_QUADRANT[quadrant] if n in tags_by_name]
            if fitting and rng.random() < 0.75:
                checkin.tags.set(rng.sample(fitting, k=min(len(fitting), rng.randint(1, 3))))
            if songs and rng.random() < 0.55:
                for position, track in enumerate(
                    rng.sample(_near(mood_p, mood_e, songs, 6), k=rng.choice([1, 1, 2]))
                ):
                    felt = rng.random() < 0.4
                    CheckInTrack.objects.create(
                        checkin=checkin,
                        track=track,
                        position=position,
                        pleasantness=max(-4, min(4, mood_p + rng.choice([0, 1]))) if felt else None,
                        energy=mood_e if felt else None,
                    )
    recompute_feel(user.pk, [track.pk for track in tracks])
