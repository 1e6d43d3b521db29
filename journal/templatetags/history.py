from __future__ import annotations

from typing import Any

from django import template

from journal.insights.queries import on_this_day as find_on_this_day

register = template.Library()


@register.inclusion_tag("journal/partials/_on_this_day.html", takes_context=True)
def on_this_day(context: dict[str, Any]) -> dict[str, Any]:
    """`{% load history %}{% on_this_day %}`: the "On this day" card for the
    logged-in user's local today, or nothing when there is nothing to show.
    Costs two queries (five when something is found)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"on_this_day": []}
    return {"on_this_day": find_on_this_day(user, user.local_today())}
