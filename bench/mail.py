"""A mail backend that takes messages like a real one (it serialises each to
bytes, as an SMTP backend must) and counts them, for the reflection benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

SENT = {"messages": 0, "bytes": 0}


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            SENT["bytes"] += len(message.message().as_bytes())
            SENT["messages"] += 1
        return len(email_messages)
