"""Attune's emotion vocabulary.

The vocabulary is this project's own: 115 words, each placed on the 9x9 grid
(pleasantness, energy from -4 to +4) with a short plain definition, spread over
the four quadrants and the two middle lines. It ships through a data migration
that calls `install_vocabulary`; a later change to the list ships with a new
migration calling it again (it updates words in place, never deletes, so
check-ins keep their words).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mood.values import Mood, Quadrant

if TYPE_CHECKING:
    from mood.models import EmotionWord

NEAR_LIMIT = 18

# (word, pleasantness, energy, definition)
SHIPPED_WORDS: list[tuple[str, int, int, str]] = [
    # Bright: pleasant, high energy
    ("thrilled", 4, 4, "So happy and charged up it is hard to sit still."),
    ("euphoric", 4, 4, "A rush of intense, almost dizzy happiness."),
    ("overjoyed", 4, 3, "Happier than words can easily hold."),
    ("festive", 3, 4, "In the mood to celebrate with others."),
    ("joyful", 4, 2, "Full of warm, open happiness."),
    ("loved", 4, 1, "Held in someone's care and warmth."),
    ("excited", 3, 3, "Eager and buzzing about what is coming."),
    ("inspired", 3, 3, "Sparked by an idea you want to act on."),
    ("empowered", 3, 3, "Able to shape what happens to you."),
    ("happy", 3, 2, "Glad and pleased with how things are going."),
    ("proud", 3, 2, "Pleased with something you did or who you are."),
    ("playful", 3, 2, "In the mood to joke, tease and have fun."),
    ("cheerful", 3, 1, "Light-hearted and quick to smile."),
    ("connected", 3, 1, "Close to other people; you belong."),
    ("energised", 2, 4, "Charged up and full of go."),
    ("lively", 2, 3, "Awake, animated and quick."),
    ("motivated", 2, 3, "Ready and willing to get things done."),
    ("upbeat", 2, 2, "Positive, with a spring in your step."),
    ("confident", 2, 2, "Trusting yourself to handle what comes."),
    ("amused", 2, 1, "Something struck you as funny."),
    ("hopeful", 2, 1, "Expecting that things can turn out well."),
    ("determined", 1, 3, "Set on reaching something, even if it is hard."),
    ("curious", 1, 2, "Wanting to find out more."),
    ("focused", 1, 2, "Your attention is gathered on one thing."),
    ("interested", 1, 1, "Something has caught your attention in a good way."),
    ("brave", 1, 3, "Facing something that scares you anyway."),
    # Stirred: unpleasant, high energy
    ("furious", -4, 4, "Burning with anger."),
    ("panicked", -4, 4, "Seized by sudden, overwhelming fear."),
    ("livid", -4, 3, "So angry your body shakes."),
    ("terrified", -4, 3, "Very frightened of what might happen."),
    ("angry", -3, 3, "Hot and hurt by something that feels unfair."),
    ("overwhelmed", -3, 3, "More is coming at you than you can take in."),
    ("scared", -3, 3, "Afraid; something feels like a threat."),
    ("anxious", -3, 2, "Worried in your body as well as your mind."),
    ("resentful", -3, 2, "Still holding on to being wronged."),
    ("disgusted", -3, 2, "Repelled by something or someone."),
    ("ashamed", -3, 1, "Feeling you are bad or wrong and wanting to hide."),
    ("shocked", -2, 4, "Knocked off balance by something sudden."),
    ("stressed", -2, 3, "Stretched by too much at once."),
    ("pressured", -2, 3, "Pushed by demands or deadlines."),
    ("on edge", -2, 3, "Ready to snap or startle at any moment."),
    ("frustrated", -2, 2, "Blocked from something you want or need."),
    ("tense", -2, 2, "Tight and braced, as if for a blow."),
    ("jealous", -2, 2, "Wanting what someone else has."),
    ("irritated", -2, 1, "Small things are getting under your skin."),
    ("worried", -2, 1, "Turning over what might go wrong."),
    ("embarrassed", -2, 1, "Exposed and awkward in front of others."),
    ("jittery", -1, 4, "Shaky, restless energy with nowhere to go."),
    ("restless", -1, 3, "Unable to settle or keep still."),
    ("nervous", -1, 2, "Uneasy, with butterflies in your stomach."),
    ("annoyed", -1, 1, "A little bothered by something."),
    # Heavy: unpleasant, low energy
    ("despairing", -4, -3, "Without hope that things will change."),
    ("grieving", -4, -3, "Missing someone or something deeply."),
    ("heartbroken", -4, -2, "Hurt by the loss of love."),
    ("hopeless", -4, -2, "Unable to see a way forward right now."),
    ("empty", -3, -4, "Hollow, as if nothing inside responds."),
    ("helpless", -3, -3, "Unable to change what is happening."),
    ("sad", -3, -2, "Low and heavy-hearted."),
    ("lonely", -3, -2, "Wanting closeness that isn't there."),
    ("hurt", -3, -1, "Wounded by someone's words or actions."),
    ("isolated", -3, -1, "Cut off from other people."),
    ("numb", -2, -4, "Hardly able to feel anything at all."),
    ("exhausted", -2, -4, "Drained right to the bottom."),
    ("drained", -2, -3, "Your energy has been used up."),
    ("discouraged", -2, -2, "Losing heart after setbacks."),
    ("down", -2, -2, "Low, not quite yourself."),
    ("disappointed", -2, -1, "Let down; it wasn't what you hoped."),
    ("guilty", -2, -1, "Regretting something you did or didn't do."),
    ("homesick", -2, -1, "Missing a place or people that feel like home."),
    ("left out", -2, -1, "Not included when others were."),
    ("gloomy", -2, -1, "Everything looks a little grey."),
    ("listless", -1, -3, "Without the energy to want anything."),
    ("tired", -1, -3, "Low on fuel and ready for rest."),
    ("bored", -1, -2, "Nothing is holding your interest."),
    ("melancholy", -1, -2, "A soft, wistful sadness."),
    ("vulnerable", -1, -1, "Open to being hurt."),
    # Calm: pleasant, low energy
    ("serene", 4, -3, "Deeply and clearly at peace."),
    ("fulfilled", 4, -1, "Satisfied in a deep way."),
    ("tranquil", 3, -4, "Perfectly still, like water without wind."),
    ("peaceful", 3, -3, "Quiet inside; nothing needs fixing."),
    ("cosy", 3, -3, "Warm and snug, tucked in."),
    ("relaxed", 3, -2, "Loose and unhurried."),
    ("comforted", 3, -2, "Soothed by someone or something."),
    ("content", 3, -1, "Happy with things as they are."),
    ("grateful", 3, -1, "Thankful for what you have or were given."),
    ("restful", 2, -4, "Recovering and recharging."),
    ("mellow", 2, -3, "Easy-going and unbothered."),
    ("calm", 2, -2, "Settled and steady."),
    ("tender", 2, -2, "Gentle and soft-hearted."),
    ("relieved", 2, -1, "A weight you were carrying has lifted."),
    ("secure", 2, -1, "Safe enough to let your guard down."),
    ("sleepy", 1, -4, "Pleasantly ready for sleep."),
    ("nostalgic", 1, -2, "Warmly remembering the past."),
    ("thoughtful", 1, -1, "Quietly turning something over."),
    ("present", 1, -1, "Here and now, paying gentle attention."),
    # On the middle lines
    ("blissful", 4, 0, "Completely, effortlessly happy."),
    ("affectionate", 3, 0, "Fond of and caring toward someone."),
    ("pleased", 2, 0, "Glad about how something went."),
    ("steady", 1, 0, "Even and dependable."),
    ("okay", 0, 0, "Neither good nor bad."),
    ("mixed", 0, 0, "Several feelings at once."),
    ("uncertain", -1, 0, "Not sure what you feel or what comes next."),
    ("confused", -2, 0, "Things don't add up."),
    ("upset", -3, 0, "Something has shaken you and it hurts."),
    ("miserable", -4, 0, "Thoroughly wretched."),
    ("wired", 0, 4, "Buzzing with energy that has no direction."),
    ("surprised", 0, 3, "Caught off guard."),
    ("challenged", 0, 3, "Stretched by something hard but doable."),
    ("busy", 0, 2, "Lots to do, moving from one thing to the next."),
    ("alert", 0, 1, "Wide awake and paying attention."),
    ("bittersweet", 0, -1, "Happy and sad about the same thing."),
    ("solitary", 0, -1, "On your own, neither lonely nor glad of it."),
    ("reflective", 0, -2, "Looking inward, taking stock."),
    ("sluggish", 0, -3, "Slow and heavy, hard to get going."),
    ("drowsy", 0, -4, "Heavy-eyed and half asleep."),
]


def install_vocabulary(word_model: Any) -> int:
    """Create or update the shipped words (works with a migration's historical model)."""
    existing = {item.word.lower(): item for item in word_model.objects.filter(user__isnull=True)}
    created = []
    for word, pleasantness, energy, definition in SHIPPED_WORDS:
        item = existing.get(word.lower())
        if item is None:
            created.append(
                word_model(
                    word=word, pleasantness=pleasantness, energy=energy, definition=definition
                )
            )
        elif (item.pleasantness, item.energy, item.definition) != (
            pleasantness,
            energy,
            definition,
        ):
            item.pleasantness, item.energy, item.definition = pleasantness, energy, definition
            item.save(update_fields=["pleasantness", "energy", "definition"])
    word_model.objects.bulk_create(created)
    return len(created)


def words_near(
    mood: Mood, vocabulary: list[EmotionWord], chosen: set[int]
) -> tuple[list[EmotionWord], list[EmotionWord]]:
    """Split a vocabulary into the words offered for a point (its quadrant's
    words closest first, the middle lines' words close by, the user's own
    words, and any already chosen) and all the others, alphabetically."""

    def distance(word: EmotionWord) -> int:
        return (word.pleasantness - mood.pleasantness) ** 2 + (word.energy - mood.energy) ** 2

    quadrant = mood.quadrant
    fitting = [
        word
        for word in vocabulary
        if word.user_id is None
        and (
            (quadrant != Quadrant.NEUTRAL and word.quadrant == quadrant)
            or (
                (word.quadrant == Quadrant.NEUTRAL or quadrant == Quadrant.NEUTRAL)
                and distance(word) <= 4
            )
        )
    ]
    near_ids = {word.pk for word in sorted(fitting, key=distance)[:NEAR_LIMIT]}
    near_ids |= {word.pk for word in vocabulary if word.user_id is not None or word.pk in chosen}
    near = sorted((w for w in vocabulary if w.pk in near_ids), key=lambda w: (distance(w), w.word))
    other = [word for word in vocabulary if word.pk not in near_ids]
    return near, other
