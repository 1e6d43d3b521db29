"""Login lockout: per username and address, with a ceiling per account.

django-axes counts failures per (username, client IP) and locks that pair
after AXES_FAILURE_LIMIT, so one person mistyping does not lock anyone else
out. That alone lets guesses spread over many addresses go on for ever, so
this handler adds a ceiling per account: once the failures for one username,
from every address together, reach ATTUNE_LOGIN_ACCOUNT_LIMIT within the
cool-off, the account is paused for everyone until the cool-off passes. The
ceiling is well above the per-address limit, the pause is the same short
cool-off, and a password reset by email lifts it at once
(accounts.views.PasswordResetConfirmAndUnlockView), so an attacker can at
worst make the owner use "forgot password". The client IP is the one
accounts.client_ip finds behind ATTUNE_TRUSTED_PROXIES.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def account_failures(username: str) -> int:
    """Failed logins for `username` from every address within the cool-off."""
    attempts = AccessAttempt.objects.filter(username__iexact=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class AccountCeilingHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        username = get_client_username(request, credentials)
        if username and account_failures(str(username)) >= settings.ATTUNE_LOGIN_ACCOUNT_LIMIT:
            # Reported as the pair's limit, so axes locks this request too.
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
