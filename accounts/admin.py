from __future__ import annotations

from django.contrib import admin

from accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "display_name", "time_zone", "date_joined", "is_active"]
    search_fields = ["email", "display_name"]
    exclude = ["password"]
