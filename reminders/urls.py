from __future__ import annotations

from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("settings/reminders/", views.reminder_settings, name="settings"),
    path("settings/reminders/times/", views.reminder_time_add, name="time_add"),
    path(
        "settings/reminders/times/<int:pk>/remove/",
        views.reminder_time_remove,
        name="time_remove",
    ),
    path("settings/reminders/push/", views.push_subscribe, name="push_subscribe"),
    path("settings/reminders/push/remove/", views.push_unsubscribe, name="push_unsubscribe"),
]
