"""Read the items of a JSON array one at a time, without loading the file.

``iter_array(stream)`` yields ``(item, line)`` for each element of a top-level
array, decoding with ``json.JSONDecoder.raw_decode`` over chunks of a text
stream. ``line`` is the 1-based line where the item starts. A truncated or
broken file raises ``BrokenJSON`` (with the line where reading stopped) after
every complete item before it has been yielded; a file that is not an array
raises ``NotAnArray``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 256 * 1024
MAX_ITEM = 8 * 1024 * 1024
_NOT_WS = re.compile(r"[^ \t\r\n]")


class BrokenJSON(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class NotAnArray(ValueError):
    pass


class _Reader:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.buffer.count("\n", self.pos, to)
        self.pos = to

    def peek(self) -> str:
        """The next non-blank character ('' at the end)."""
        while True:
            match = _NOT_WS.search(self.buffer, self.pos)
            if match:
                self.advance(match.start())
                return self.buffer[self.pos]
            self.advance(len(self.buffer))
            if not self.fill():
                return ""


def iter_array(stream: IO[str]) -> Iterator[tuple[Any, int]]:
    decoder = json.JSONDecoder()
    reader = _Reader(stream)
    first = reader.peek()
    if first == "\ufeff":
        reader.advance(reader.pos + 1)
        first = reader.peek()
    if first != "[":
        raise NotAnArray("not a JSON array")
    reader.advance(reader.pos + 1)
    if reader.peek() == "]":
        return
    while True:
        reader.peek()
        while True:
            try:
                item, end = decoder.raw_decode(reader.buffer, reader.pos)
                # A number or literal at the very end of the buffer may be cut.
                if end == len(reader.buffer) and not reader.eof:
                    raise json.JSONDecodeError("cut", reader.buffer, end)
                break
            except json.JSONDecodeError as error:
                if len(reader.buffer) - reader.pos > MAX_ITEM or not reader.fill():
                    at = reader.line + reader.buffer.count("\n", reader.pos, error.pos)
                    raise BrokenJSON(
                        f"The file is cut off or broken here ({error.msg}).", at
                    ) from None
            except RecursionError:
                raise BrokenJSON("An item is nested too deeply.", reader.line) from None
        yield item, reader.line
        reader.advance(end)
        following = reader.peek()
        if following == ",":
            reader.advance(reader.pos + 1)
            continue
        if following == "]":
            return
        raise BrokenJSON("The file is cut off or broken here (expected , or ]).", reader.line)
