"""A real SMTP server on loopback (aiosmtpd) that records what it accepts.

A message counts as received only when the server has the whole message (the
final "." after DATA) — exactly when a real server would deliver it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Sink:
    refuse: set[str] = field(default_factory=set)  # answered 451 at RCPT, forever
    stall: set[str] = field(default_factory=set)  # never answered at RCPT
    stalled: int = 0  # how many times a stalled recipient was asked for
    delay: float = 0.0  # seconds to wait before answering MAIL FROM
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    host: str = "127.0.0.1"
    port: int = 0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.stall:
            self.stalled += 1
            await asyncio.sleep(3600)
        if address in self.refuse:
            return "451 4.3.0 Please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"

    def count_by_recipient(self) -> Counter[str]:
        with self.lock:
            return Counter(str(m["To"]) for m in self.messages)

    def __len__(self) -> int:
        with self.lock:
            return len(self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    sink = Sink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
