from __future__ import annotations

from django.urls import path

from journal.views import checkin, history, reflections

urlpatterns = [
    path("", checkin.home, name="home"),
    path("history/", history.history, name="history"),
    path("history/insights/", history.insights_view, name="insights"),
    path("reflections/", reflections.reflection_list, name="reflections"),
]
