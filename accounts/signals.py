"""What accounts tells the other apps, without knowing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `user` once a new account exists (sign-up, the demo account), so
# the apps that hold a person's data can give them a start (journal: the
# default tags).
user_signed_up = Signal()
