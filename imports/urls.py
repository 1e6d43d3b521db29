from __future__ import annotations

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("imports/<int:pk>/", views.job, name="import_job"),
]
