from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from mood.values import Quadrant, mood_range_check, mood_validators, quadrant_of


def words_of(user: settings.AUTH_USER_MODEL) -> Q:  # type: ignore[name-defined]
    """The shipped vocabulary plus the user's own words, as a filter."""
    return Q(user__isnull=True) | Q(user=user)


# The same rule as a plain SQL condition (with %s for the user's id), for the
# check-in POST's ownership checks (config.rows.ids_where). A test holds it
# equal to its filter.
WORDS_OF_SQL = "user_id IS NULL OR user_id = %s"


class EmotionWordQuerySet(models.QuerySet["EmotionWord"]):
    def for_user(self, user: settings.AUTH_USER_MODEL) -> EmotionWordQuerySet:  # type: ignore[name-defined]
        """The shipped vocabulary plus the user's own words."""
        return self.filter(words_of(user))


class EmotionWord(models.Model):
    """A word for a feeling, placed on the mood grid. `user` is empty for the
    vocabulary Attune ships; users add their own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emotion_words",
    )
    word = models.CharField(max_length=40)
    pleasantness = models.SmallIntegerField(validators=mood_validators)
    energy = models.SmallIntegerField(validators=mood_validators)
    definition = models.CharField(max_length=200, blank=True)

    objects: ClassVar[EmotionWordQuerySet] = EmotionWordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        # Moved from journal with its rows: the table keeps its first name.
        db_table = "journal_emotionword"
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(
                Lower("word"),
                "user",
                name="emotionword_unique_per_user",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                Lower("word"), name="emotionword_unique_shipped", condition=Q(user__isnull=True)
            ),
            mood_range_check("emotionword", "pleasantness"),
            mood_range_check("emotionword", "energy"),
        ]

    def __str__(self) -> str:
        return self.word

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.pleasantness, self.energy)
