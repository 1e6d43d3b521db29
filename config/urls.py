from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("imports.urls")),
    path("", include("music.urls")),
    path("", include("journal.urls")),
]
