from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("settings/", account_views.settings_view, name="settings"),
    path("admin/", admin.site.urls),
    path("", include("music.urls")),
    path("", include("journal.urls")),
]
