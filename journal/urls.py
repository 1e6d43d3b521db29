from __future__ import annotations

from django.urls import path

from journal.views import (
    checkin,
    correlations,
    entry,
    history,
    imports,
    reflections,
    replace,
    review,
    tracks,
    vocabulary,
    your_data,
)

app_name = "journal"

urlpatterns = [
    # "Your data" lives beside the settings page it belongs to.
    path("settings/export.json", your_data.export_json, name="export_json"),
    path("settings/export.csv", your_data.export_csv, name="export_csv"),
    path("settings/import/", your_data.import_archive, name="import_archive"),
    path("settings/delete/", your_data.delete_account_view, name="delete_account"),
    # A track's page shows its check-ins too, so its view is journal's (music never
    # imports journal); the path stays in music's part of the site.
    path("music/tracks/<int:pk>/", tracks.track_detail, name="music_track"),
    path("", checkin.home, name="home"),
    path("checkins/<int:pk>/", checkin.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/words/", checkin.checkin_words, name="checkin_words"),
    path("checkins/<int:pk>/tags/", checkin.checkin_tags, name="checkin_tags"),
    path("checkins/<int:pk>/note/", checkin.checkin_note, name="checkin_note"),
    path("checkins/<int:pk>/day/", checkin.checkin_day, name="checkin_day"),
    path("checkins/<int:pk>/tracks/", checkin.checkin_tracks, name="checkin_tracks"),
    path(
        "checkins/<int:pk>/tracks/<int:link_pk>/",
        checkin.checkin_track_feel,
        name="checkin_track_feel",
    ),
    path(
        "checkins/<int:pk>/tracks/<int:link_pk>/remove/",
        checkin.checkin_track_remove,
        name="checkin_track_remove",
    ),
    path("checkins/<int:pk>/delete/", checkin.checkin_delete, name="checkin_delete"),
    path("checkins/<int:pk>/restore/", checkin.checkin_restore, name="checkin_restore"),
    path("checkins/songs/", checkin.track_suggestions, name="track_suggestions"),
    path("words/", vocabulary.word_list, name="words"),
    path("words/<int:pk>/delete/", vocabulary.word_delete, name="word_delete"),
    path("tags/", vocabulary.tag_list, name="tags"),
    path("tags/<int:pk>/", vocabulary.tag_update, name="tag_update"),
    path("history/", history.history, name="history"),
    path("history/insights/", history.insights_view, name="insights"),
    path("history/entries/<int:pk>/", entry.entry, name="history_entry"),
    path("history/entries/<int:pk>/delete/", entry.entry_delete, name="history_entry_delete"),
    path("history/entries/<int:pk>/restore/", entry.entry_restore, name="history_entry_restore"),
    path("history/day/<str:date>/", entry.day, name="history_day"),
    path(
        "history/insights/correlations/",
        correlations.correlations,
        name="insights_correlations",
    ),
    path("history/insights/summary/", review.printable_summary, name="insights_summary"),
    path("history/<int:year>/review/", review.review, name="year_review"),
    path("reflections/", reflections.reflection_list, name="reflections"),
    path("import/", imports.start, name="journal_import"),
    path("import/columns/", imports.columns, name="journal_import_columns"),
    path("import/moods/", imports.moods, name="journal_import_moods"),
    path("import/cancel/", imports.cancel, name="journal_import_cancel"),
    path("import/moods/<str:source>/", replace.replace, name="journal_import_replace"),
    path("import/<int:pk>/", imports.job_detail, name="journal_import_job"),
    path("reflections/<int:pk>/", reflections.reflection_detail, name="reflection_detail"),
    path("unsubscribe/<str:token>/", reflections.unsubscribe, name="unsubscribe"),
]
