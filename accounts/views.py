from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SettingsForm, SignupForm
from accounts.http import AuthedHtmxRequest, HtmxRequest
from accounts.onboarding import welcome
from accounts.settings_page import render_settings


@require_http_methods(["GET", "POST"])
def signup(request: HtmxRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("journal:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        welcome(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Attune. Whenever you're ready, tap how you feel.")
        return redirect("journal:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedHtmxRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render_settings(request, form=form)


class PasswordResetConfirmAndUnlockView(auth_views.PasswordResetConfirmView):
    """The lockout page points here: a password reset by email also lifts the
    login pause for that account, so the person can log in straight away."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response
