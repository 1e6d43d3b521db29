from __future__ import annotations

from django.contrib import admin

from journal.models import WeeklyReflection


@admin.register(WeeklyReflection)
class WeeklyReflectionAdmin(admin.ModelAdmin[WeeklyReflection]):
    """Delivery state at a glance: filter by status to see what failed and why."""

    list_display = ["user", "week_start", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "week_start"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    # The content is the person's week; the operator needs the delivery state.
    fields = (
        "user",
        "week_start",
        "status",
        "attempts",
        "lease_until",
        "queued_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["retry"]

    @admin.action(description="Try again (reset attempts)")
    def retry(self, request: object, queryset: object) -> None:
        from django.db.models import QuerySet

        assert isinstance(queryset, QuerySet)
        queryset.filter(status=WeeklyReflection.Status.FAILED).update(
            status=WeeklyReflection.Status.PENDING, attempts=0, queued_at=None, lease_until=None
        )
