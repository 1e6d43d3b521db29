"""The weekly reflection's music-therapy exercise: which one fits the week,
and its wording made personal with the week's songs, words and tempo."""

from __future__ import annotations

from collections.abc import Callable

from journal.reflections.content import Exercise
from journal.reflections.stats import WeekStats
from mood.values import Quadrant

EXERCISE_KINDS = ("songwriting", "improvisation", "imagery", "rhythm")


def choose_exercise(stats: WeekStats) -> Exercise:
    """One music-therapy exercise from the seed essay, personalised with the week."""
    kind: str
    if stats.mostly(Quadrant.RED):
        kind = "rhythm"
    elif stats.lonely:
        kind = "improvisation"
    elif stats.mostly(Quadrant.BLUE) and (stats.top_tracks or stats.words):
        kind = "songwriting"
    elif (stats.low_energy or stats.mostly(Quadrant.GREEN)) and stats.calm_track:
        kind = "imagery"
    else:
        kind = EXERCISE_KINDS[stats.week_start.isocalendar().week % len(EXERCISE_KINDS)]
    return EXERCISE_BUILDERS[kind](stats)


def _songwriting(stats: WeekStats) -> Exercise:
    top_words = [word for word, _ in stats.words[:3]]
    if stats.top_tracks:
        track = stats.top_tracks[0]
        steps = [
            f"Play “{track.title}” by {track.artist} once more, with the lyrics in front "
            "of you if you can find them.",
            "Underline the line that feels closest to your week. What is it saying for you?",
            "Write two lines of your own that answer it. They don't need to rhyme.",
        ]
        intro = f"“{track.title}” kept you company this week. Let it help you find words."
        return Exercise(
            kind="songwriting",
            title="Lyric reflection",
            intro=intro,
            steps=steps,
            track=track.line(),
        )
    words = ", ".join(top_words) if top_words else "how this week felt"
    return Exercise(
        kind="songwriting",
        title="A short verse of your own",
        intro=f"This week you reached for: {words}.",
        steps=[
            "Write a four-line verse that uses those words. Any melody, or none, is fine.",
            "Read or sing it aloud once. Notice which line feels truest.",
            "Keep it, change it, or let it go. It's yours.",
        ],
    )


def _improvisation(stats: WeekStats) -> Exercise:
    return Exercise(
        kind="improvisation",
        title="A musical conversation",
        intro="Music can be a way to talk without needing the right words.",
        steps=[
            "Hum, whistle or tap a short phrase, a few seconds long.",
            "Answer it with another phrase, as if someone were replying to you.",
            "If you can, try it with a friend over a call: one of you plays a phrase, "
            "the other answers. There is no wrong note.",
        ],
    )


def _imagery(stats: WeekStats) -> Exercise:
    track = stats.calm_track
    listen = (
        f"Put on “{track.title}” by {track.artist}, one of your calmer songs,"
        if track
        else "Put on a quiet piece of music you like,"
    )
    return Exercise(
        kind="imagery",
        title="Guided imagery with music",
        intro="A few minutes to rest your mind on a place that feels safe.",
        steps=[
            f"{listen} and sit or lie somewhere comfortable.",
            "Close your eyes and picture a place where you feel at ease, real or imagined.",
            "Let the music move through the scene: what do you see, hear, feel? "
            "When the song ends, take one slow breath before you open your eyes.",
        ],
        track=track.line() if track else None,
    )


def _rhythm(stats: WeekStats) -> Exercise:
    tempo = stats.tempo or 90
    source = (
        "the tempo of the music you play most"
        if stats.tempo
        else "about the pace of a relaxed walk"
    )
    return Exercise(
        kind="rhythm",
        title="Drumming and rhythm",
        intro=f"A steady beat at {tempo} beats per minute — {source}.",
        tempo=tempo,
        steps=[
            f"Tap a steady beat at about {tempo} BPM on a table, a drum or your knees.",
            "Let it get louder for a minute if that feels good, then softer.",
            "Slow it down little by little until your breathing slows with it.",
        ],
    )


EXERCISE_BUILDERS: dict[str, Callable[[WeekStats], Exercise]] = {
    "songwriting": _songwriting,
    "improvisation": _improvisation,
    "imagery": _imagery,
    "rhythm": _rhythm,
}
