"""Text that is safe to store: no lone surrogates (PostgreSQL rejects them with a
500 otherwise) and no NUL characters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

UNSAFE_TEXT_MESSAGE = (
    "This contains characters we can't store (such as a broken emoji or a NUL). "
    "Please remove or retype them."
)


def validate_clean_text(value: str) -> None:
    if not isinstance(value, str):
        return
    if "\x00" in value:
        raise ValidationError(UNSAFE_TEXT_MESSAGE, code="null_characters_not_allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(UNSAFE_TEXT_MESSAGE, code="surrogates") from None


def scrub(value: str) -> str:
    """Make arbitrary imported text storable: drop NULs, replace lone surrogates."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class CleanCharField(forms.CharField):
    """A CharField that rejects lone surrogates and NUL with a clear message."""

    default_validators = [validate_clean_text]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        # Typed text may be in any script: the browser picks its direction.
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("dir", "auto")
        return attrs

    def to_python(self, value: object) -> str:
        # Run our check before the built-in NUL validator so the message is ours.
        text = super().to_python(value)
        if text:
            validate_clean_text(text)
        return text or ""
