"""Notes encrypted at rest with AES-GCM.

Keys come from ATTUNE_NOTE_KEYS ("id:base64key,id:base64key", current key
first). Each ciphertext is bound to its row and owner through the associated
data (check-in uuid + user id), so a ciphertext copied onto another row or
another user's row fails to decrypt. The key id is stored beside the value so
old keys keep working until `rotate_keys` has re-encrypted everything.

The cryptography package is imported when a note is sealed or opened, not
with the module (journal.models loads it in every process): some 9 MB of
memory that an import worker or a management command need not carry.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings

NONCE_BYTES = 12
UNREADABLE_NOTE = "[This note can't be read with the keys this server has.]"
# What an unreadable note looked like in archives written before issue 19.
UNREADABLE_NOTES = (UNREADABLE_NOTE, "[This note can't be decrypted with the current keys.]")


class NoteKeyError(Exception):
    pass


class NoteRow(Protocol):
    """What the note functions need of a row (a CheckIn): crypto stays below
    the models, which call into it."""

    uuid: Any
    user_id: int
    note_ciphertext: Any
    note_key_id: str


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def parse_keyring(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    current = ""
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as error:
            raise NoteKeyError(f"Note key {key_id!r} is not valid base64.") from error
        if len(key) != 32:
            raise NoteKeyError(f"Note key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = key
        current = current or key_id
    if not keys:
        raise NoteKeyError("ATTUNE_NOTE_KEYS holds no key.")
    return Keyring(current_id=current, keys=keys)


@cache
def _keyring_for(spec: str) -> Keyring:
    return parse_keyring(spec)


def keyring() -> Keyring:
    return _keyring_for(settings.ATTUNE_NOTE_KEYS)


def associated_data(checkin: NoteRow) -> bytes:
    return f"attune-note:{checkin.uuid}:{checkin.user_id}".encode()


def encrypt_text(text: str, aad: bytes, ring: Keyring | None = None) -> tuple[bytes, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, text.encode("utf-8"), aad)
    return nonce + sealed, ring.current_id


def decrypt_text(blob: bytes, key_id: str, aad: bytes, ring: Keyring | None = None) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ring = ring or keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise NoteKeyError(f"No key with id {key_id!r}.")
    blob = bytes(blob)
    try:
        plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as error:
        raise NoteKeyError("The note does not belong to this row or the key is wrong.") from error
    return plain.decode("utf-8")


def encrypt_note(checkin: NoteRow, text: str) -> None:
    if not text:
        checkin.note_ciphertext = None
        checkin.note_key_id = ""
        return
    checkin.note_ciphertext, checkin.note_key_id = encrypt_text(text, associated_data(checkin))


def note_is_unreadable(checkin: NoteRow) -> bool:
    """The row holds a note that none of this server's keys opens (a key
    removed before rotate_keys finished, or a row altered by hand). Such a
    note is shown as unreadable and never overwritten from the editor: its
    ciphertext may still open once the old key is back."""
    if not checkin.note_ciphertext:
        return False
    try:
        decrypt_text(bytes(checkin.note_ciphertext), checkin.note_key_id, associated_data(checkin))
    except NoteKeyError:
        return True
    return False


def decrypt_note(checkin: NoteRow) -> str:
    if not checkin.note_ciphertext:
        return ""
    try:
        return decrypt_text(
            bytes(checkin.note_ciphertext), checkin.note_key_id, associated_data(checkin)
        )
    except NoteKeyError:
        return UNREADABLE_NOTE
