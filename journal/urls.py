from __future__ import annotations

from django.urls import path

from journal.views import checkin, history, imports, reflections

urlpatterns = [
    path("", checkin.home, name="home"),
    path("history/", history.history, name="history"),
    path("reflections/", reflections.reflection_list, name="reflections"),
    path("import/", imports.start, name="journal_import"),
    path("import/columns/", imports.columns, name="journal_import_columns"),
    path("import/moods/", imports.moods, name="journal_import_moods"),
    path("import/cancel/", imports.cancel, name="journal_import_cancel"),
    path("import/<int:pk>/", imports.job_detail, name="journal_import_job"),
]
