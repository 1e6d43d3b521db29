"""``POST /1/submit-listens``: check a submission the way ListenBrainz does,
then store it.

- ``single`` and ``playing_now`` carry one listen, ``import`` up to 1,000;
  ``listened_at`` (Unix seconds) is required for ``single``/``import`` and
  refused for ``playing_now``; ``track_metadata.artist_name`` and
  ``track_name`` are required.
- One bad listen refuses the whole request with a 400 naming the problem
  (as ListenBrainz does), so a client never half-submits a batch.
- Stored through ListenWriter (music/imports/listens.py), so a retried
  submission adds nothing: the same user, track and second is one listen.
- ``playing_now`` replaces the user's PlayingNow row, kept for the track's
  duration (or ten minutes when unknown).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from imports.report import ImportReport
from music.imports.listens import BATCH_SIZE, ListenWriter, Play, resolve_tracks
from music.listening import metadata
from music.models import PlayingNow
from music.plays import ensure_user_tracks

SOURCE = "api"
MAX_LISTENS_PER_REQUEST = 1000
assert MAX_LISTENS_PER_REQUEST <= BATCH_SIZE  # store(): a request is one batch
MAX_LISTEN_SIZE = 10240  # bytes of JSON per listen, as ListenBrainz
MAX_PAYLOAD_SIZE = MAX_LISTEN_SIZE * MAX_LISTENS_PER_REQUEST
MAX_NAME_CHARS = 300  # what the catalogue stores whole (Track.title, Artist.name)
MAX_TEXT_CHARS = 2000  # any other text, such as origin_url
LISTEN_MINIMUM_TS = 1033410600  # 2002-10-01, ListenBrainz's floor
ALLOWED_SKEW = 60 * 60  # a client's clock may run an hour fast
MAX_DURATION_MS = 24 * 24 * 60 * 60 * 1000
PLAYING_NOW_DEFAULT = dt.timedelta(minutes=10)
LISTEN_TYPES = ("single", "playing_now", "import")


class ApiError(Exception):
    """An answer in ListenBrainz's error shape: ``{"code": N, "error": "..."}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad(message: str) -> ApiError:
    return ApiError(400, message)


@dataclass
class Submission:
    listen_type: str
    listens: list[dict[str, Any]]


def _text_ok(value: Any, escapes: bool) -> bool:
    """The quick look `_check_text` makes first: every string of a decoded
    listen short enough and, when the body had escapes that could make them
    (`escapes`), free of NUL and lone surrogates. Walks without building the
    path a message names; strict JSON gives only these exact types."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if len(item) > MAX_TEXT_CHARS or (escapes and not _plain(item)):
                return False
        elif kind is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return True


def _plain(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Strict JSON allows no raw control character and no raw surrogate in a string:
# a NUL or a lone surrogate can only come from a \u escape of one.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _check_text(value: Any, where: str, escapes: bool = True) -> None:
    """No NUL, no lone surrogate, nothing absurdly long, anywhere in a listen.
    (The walk that names the place runs only when the quick one finds something.)"""
    if _text_ok(value, escapes):
        return
    _name_bad_text(value, where)


def _name_bad_text(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _name_bad_text(key, where)
            _name_bad_text(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for inner in value:
            _name_bad_text(inner, where)
    elif isinstance(value, str):
        if "\x00" in value:
            raise bad(f"{where} contains a unicode null.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise bad(f"{where} contains a lone surrogate, which is not text.") from None
        if len(value) > MAX_TEXT_CHARS:
            raise bad(f"{where} is longer than {MAX_TEXT_CHARS} characters.")


def _name(meta: dict[str, Any], key: str, required: bool = True) -> None:
    if key not in meta or meta[key] is None:
        if required:
            raise bad(f"JSON document does not contain required field track_metadata.{key}.")
        return
    if not isinstance(meta[key], str):
        raise bad(f"track_metadata.{key} must be a single string.")
    meta[key] = meta[key].strip()
    if not meta[key]:
        if required:
            raise bad(f"field track_metadata.{key} is empty.")
        del meta[key]
    elif len(meta[key]) > MAX_NAME_CHARS:
        raise bad(f"track_metadata.{key} is longer than {MAX_NAME_CHARS} characters.")


def _listened_at(listen: dict[str, Any]) -> None:
    if "listened_at" not in listen:
        raise bad("JSON document must contain the key listened_at at the top level.")
    value = listen["listened_at"]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad("JSON document must contain an int value for listened_at.")
    try:
        listen["listened_at"] = int(value)
    except (ValueError, OverflowError):
        raise bad("JSON document must contain an int value for listened_at.") from None
    if listen["listened_at"] >= int(time.time()) + ALLOWED_SKEW:
        raise bad("Value for key listened_at is too high.")
    if listen["listened_at"] < LISTEN_MINIMUM_TS:
        raise bad(
            "Value for key listened_at is too low. listened_at timestamp should be greater "
            "than 1033410600 (2002-10-01 00:00:00 UTC)."
        )


def _additional_info(info: Any) -> None:
    if not isinstance(info, dict):
        raise bad("track_metadata.additional_info must be an object.")
    if "duration" in info and "duration_ms" in info:
        raise bad("JSON document should not contain both duration and duration_ms.")
    for key, limit in (("duration", MAX_DURATION_MS // 1000), ("duration_ms", MAX_DURATION_MS)):
        if key in info:
            value = info[key]
            try:
                seconds = int(float(value)) if not isinstance(value, bool) else 0
            except (TypeError, ValueError, OverflowError):
                seconds = 0
            if seconds <= 0:
                raise bad(f"Value for {key} is invalid, should be a positive integer.")
            if seconds > limit:
                raise bad(f"Value for {key} is too large, max permitted value is {limit}")
            info[key] = seconds
    for key in ("release_mbid", "recording_mbid", "release_group_mbid", "track_mbid"):
        if key in info:
            if not info[key]:
                del info[key]
            elif not metadata.valid_mbid(info[key]):
                raise bad(f"{key} MBID format invalid.")
    for key in ("artist_mbids", "work_mbids"):
        if key in info:
            if not info[key]:
                del info[key]
                continue
            if not isinstance(info[key], list):
                raise bad(f"{key} MBID format invalid.")
            info[key] = [mbid for mbid in info[key] if mbid]
            if not all(metadata.valid_mbid(mbid) for mbid in info[key]):
                raise bad(f"{key} MBID format invalid.")


def validate_listen(listen: Any, listen_type: str, escapes: bool = True) -> dict[str, Any]:
    """Check one listen in place. `escapes`: the body had a \\u escape that could
    make a NUL or a lone surrogate (parse() looks once for the whole body)."""
    if not isinstance(listen, dict):
        raise bad("Each listen must be a JSON object.")
    if listen_type == "playing_now":
        if "listened_at" in listen:
            raise bad("JSON document must not contain listened_at while submitting playing_now.")
        if "track_metadata" not in listen:
            raise bad("JSON document must contain the key track_metadata at the top level.")
        if len(listen) > 1:
            raise bad(
                "JSON document may only contain track_metadata as top level key when "
                "submitting playing_now."
            )
    else:
        _listened_at(listen)
        if "track_metadata" not in listen:
            raise bad("JSON document must contain the key track_metadata at the top level.")
        if len(listen) > 2:
            raise bad(
                "JSON document may only contain listened_at and track_metadata top level keys"
            )
    meta = listen["track_metadata"]
    if not isinstance(meta, dict):
        raise bad("JSON document may not have track_metadata with null value.")
    _check_text(listen, "listen", escapes)
    _name(meta, "track_name")
    _name(meta, "artist_name")
    _name(meta, "release_name", required=False)
    if "additional_info" in meta:
        _additional_info(meta["additional_info"])
    return listen


def parse(raw: bytes) -> Submission:
    """The request body as a checked submission, or an ApiError."""
    if len(raw) > MAX_PAYLOAD_SIZE:
        raise ApiError(413, f"Payload too large. Payload cannot exceed {MAX_PAYLOAD_SIZE} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad("Cannot parse JSON document: the body is not UTF-8.") from None
    except (ValueError, RecursionError) as error:
        raise bad(f"Cannot parse JSON document: {str(error)[:200]}") from None
    if not isinstance(data, dict):
        raise bad(
            "Invalid JSON document submitted. Top level of JSON document should be a json object."
        )
    payload = data.get("payload")
    if "payload" not in data or "listen_type" not in data:
        raise bad("Invalid JSON document submitted.")
    if not isinstance(payload, list):
        raise bad("The payload in the JSON document should be a list of listens.")
    if not payload:
        raise bad("JSON document does not contain any listens")
    if len(payload) > MAX_LISTENS_PER_REQUEST:
        raise bad(
            f"Too many listens. You may not submit more than {MAX_LISTENS_PER_REQUEST} "
            "listens at once."
        )
    if len(raw) > len(payload) * MAX_LISTEN_SIZE:
        raise bad(
            f"JSON document is too large. Each listens may not be larger than "
            f"{MAX_LISTEN_SIZE} bytes."
        )
    listen_type = data["listen_type"]
    if listen_type not in LISTEN_TYPES:
        raise bad("JSON document requires a valid listen_type key.")
    if listen_type in ("single", "playing_now") and len(payload) > 1:
        raise bad(
            "JSON document contains more than listen for a single/playing_now. "
            "It should contain only one."
        )
    escapes = _RISKY_ESCAPE.search(raw) is not None
    return Submission(
        listen_type, [validate_listen(item, listen_type, escapes) for item in payload]
    )


class _Count(ImportReport):
    """A submission's tally: a listen ListenWriter cannot take refuses the
    whole request (checked listens only get here, so this is a last guard)."""

    def bad_row(self, line: int | None, reason: str, detail: str = "") -> None:
        raise bad(f"Listen {line}: {reason}. {detail}".strip())


# Site-wide, at most ATTUNE_LISTEN_IMPORT_SLOTS `import` batches are stored at
# once (a PostgreSQL advisory lock held to the end of the batch's
# transaction): history imports take turns on one core or so, and a player's
# one-listen submissions keep the rest. music/views/listen_api.py also bounds
# them per process, which is all SQLite (one person's `make run`) needs.
IMPORT_LOCK = 0x4C495354  # "LIST"


def take_import_slot() -> None:
    if connection.vendor != "postgresql":
        return
    slot = random.randrange(max(1, int(settings.ATTUNE_LISTEN_IMPORT_SLOTS)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, slot])


def store(
    user: User, submission: Submission, slot: AbstractContextManager[object] | None = None
) -> int:
    """Store a checked submission; returns how many listens were new. `slot`
    is held around the database work only (the view passes its per-process
    bound on imports)."""
    if submission.listen_type == "playing_now":
        set_playing_now(user, submission.listens[0]["track_metadata"])
        return 0
    # Made before the import slot is taken: the slot is held only for what
    # must take turns, the database work.
    plays = [
        Play(
            info=metadata.track_info(listen["track_metadata"]),
            played_at=dt.datetime.fromtimestamp(listen["listened_at"], tz=dt.UTC),
            line=number,
            details=metadata.details(listen["track_metadata"]),
        )
        for number, listen in enumerate(submission.listens, start=1)
    ]
    count = _Count()
    writer = ListenWriter(user, SOURCE, count)
    # Added before the slots too: a request's listens are one batch
    # (MAX_LISTENS_PER_REQUEST <= the writer's BATCH_SIZE), so adding only
    # checks and queues them; the writer's database work is all in finish().
    for play in plays:
        writer.add(play)
    with slot or nullcontext(), transaction.atomic():
        # The tracks before the site-wide slot: reads, and a write only for a
        # song new to the library; the slot is for what must take turns.
        writer.resolve()
        if submission.listen_type == "import":
            take_import_slot()
        writer.finish()
    return count.imported


def set_playing_now(user: User, meta: dict[str, Any]) -> PlayingNow:
    info = metadata.track_info(meta)
    (track_id,) = resolve_tracks([info], user)
    # In the user's library, so the check-in page can attach it with one tap.
    ensure_user_tracks(user, [track_id])
    now = timezone.now()
    lasts = dt.timedelta(milliseconds=info.duration_ms) if info.duration_ms else None
    playing, _ = PlayingNow.objects.update_or_create(
        user=user,
        defaults={
            "track_id": track_id,
            "started_at": now.replace(microsecond=0),
            "expires_at": now + (lasts or PLAYING_NOW_DEFAULT),
            "details": metadata.details(meta) or {},
        },
    )
    return playing
