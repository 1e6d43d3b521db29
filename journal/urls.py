from __future__ import annotations

from django.urls import path

from journal.views import checkin, history, reflections

urlpatterns = [
    path("", checkin.home, name="home"),
    path("history/", history.history, name="history"),
    path("reflections/", reflections.reflection_list, name="reflections"),
    path("reflections/<int:pk>/", reflections.reflection_detail, name="reflection_detail"),
    path("unsubscribe/<str:token>/", reflections.unsubscribe, name="unsubscribe"),
]
