"""`{% listening_now checkin track_links %}`: "Listening to … — add to this
check-in", one tap (a plain form, so it works without JavaScript too)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from journal.listening import listening_now as find_listening_now
from journal.models import CheckIn, CheckInTrack

register = template.Library()


@register.inclusion_tag("journal/partials/_listening_now.html", takes_context=True)
def listening_now(
    context: template.Context, checkin: CheckIn, links: Iterable[CheckInTrack] = ()
) -> dict[str, object]:
    request = context["request"]
    found = find_listening_now(request.user, attached=[link.track_id for link in links])
    return {"checkin": checkin, "now": found, "csrf_token": context.get("csrf_token")}
