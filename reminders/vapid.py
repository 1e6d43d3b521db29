"""The VAPID key pair that signs Web Push requests (RFC 8292): from
ATTUNE_VAPID_PRIVATE_KEY (base64url of the raw P-256 private key), or
generated once into var/ like the other keys (config/settings.py).

cryptography is imported when a key is used, not with the module (the
reminder views load it in every process that loads the URLs)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key() -> ec.EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    value = int.from_bytes(b64url_decode(settings.ATTUNE_VAPID_PRIVATE_KEY), "big")
    return ec.derive_private_key(value, ec.SECP256R1())


def public_key() -> str:
    """The applicationServerKey a browser subscribes with: the uncompressed point."""
    from cryptography.hazmat.primitives import serialization

    point = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)
