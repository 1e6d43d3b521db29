"""How the calendar colours a day whose energy was never recorded (an
imported pleasantness-only journal): by pleasantness alone, on a diverging
scale of five tones, each with its own symbol and words so colour is never
the only cue. Days with a recorded energy keep their quadrant colours."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    key: str  # the CSS class: t-pos2 … t-neg2
    symbol: str
    words: str


TONES = (
    Tone("t-pos2", "++", "very pleasant"),
    Tone("t-pos1", "+", "pleasant"),
    Tone("t-mid", "=", "middling"),
    Tone("t-neg1", "−", "unpleasant"),
    Tone("t-neg2", "−−", "very unpleasant"),
)


def tone_of(pleasantness: float) -> Tone:
    """The tone of a day's mean pleasantness (−4 … +4)."""
    if pleasantness >= 2.5:
        return TONES[0]
    if pleasantness >= 0.5:
        return TONES[1]
    if pleasantness > -0.5:
        return TONES[2]
    if pleasantness > -2.5:
        return TONES[3]
    return TONES[4]
