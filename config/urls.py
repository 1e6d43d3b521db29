from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config import health
from journal.views import your_data

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("settings/", account_views.settings_view, name="settings"),
    path("settings/export.json", your_data.export_json, name="export_json"),
    path("settings/export.csv", your_data.export_csv, name="export_csv"),
    path("settings/import/", your_data.import_archive, name="import_archive"),
    path("settings/delete/", your_data.delete_account_view, name="delete_account"),
    path("admin/", admin.site.urls),
    path("", include("imports.urls")),
    path("", include("music.urls")),
    path("", include("journal.urls")),
]
