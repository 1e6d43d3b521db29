from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("pwa.urls")),
    path("", include("reminders.urls")),
    path("accounts/", include("accounts.urls")),
    path("settings/", account_views.settings_view, name="settings"),
    path("settings/time-zone/", account_views.time_zone_view, name="settings_time_zone"),
    path("settings/email/", account_views.email_change, name="email_change"),
    path(
        "settings/email/confirm/<str:token>/",
        account_views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("settings/export.json", account_views.export_json, name="export_json"),
    path("settings/export.csv", account_views.export_csv, name="export_csv"),
    path("settings/import/", account_views.import_archive, name="import_archive"),
    path("settings/delete/", account_views.delete_account_view, name="delete_account"),
    path("admin/", admin.site.urls),
    path("", include("music.urls")),
    path("", include("journal.urls")),
]
