from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import email_change as email_changes
from accounts import invitations
from accounts import signup as signups
from accounts.forms import EmailChangeForm, SettingsForm, SignupForm, TimeZoneForm
from accounts.http import AuthedHtmxRequest, HtmxRequest
from accounts.onboarding import welcome
from accounts.settings_page import render_settings


@require_http_methods(["GET", "POST"])
def signup(request: HtmxRequest) -> HttpResponse:
    """Sign-up as ATTUNE_SIGNUP allows (accounts/signup.py)."""
    if request.user.is_authenticated:
        return redirect("journal:home")
    if signups.mode() == signups.CLOSED:
        return render(request, "accounts/signup_closed.html")
    invitation = None
    token = str(request.POST.get("invite") or request.GET.get("invite") or "")
    if signups.mode() == signups.INVITE:
        invitation = invitations.find(token)
        if invitation is None:
            return render(request, "accounts/signup_invite_only.html", {"tried": bool(token)})
    initial = {"email": invitation.email} if invitation else None
    form = SignupForm(request.POST or None, initial=initial)
    context = {"form": form, "invite": token if invitation else ""}
    if request.method != "POST" or not form.is_valid():
        return render(request, "accounts/signup.html", context)
    email = form.cleaned_data["email"]
    if invitation is not None and email != invitation.email:
        form.add_error(
            "email",
            f"This invitation is for {invitation.email}. Please sign up with that address, "
            "or ask for an invitation for this one.",
        )
        return render(request, "accounts/signup.html", context)
    owner = signups.existing_account(email)
    if owner is None:
        try:
            with transaction.atomic():
                if invitation is not None and not invitations.use(invitation):
                    return render(request, "accounts/signup_invite_only.html", {"tried": True})
                user = form.save()
        except IntegrityError:
            # The same email signed up a moment ago (a double tap, two tabs).
            owner = signups.existing_account(email)
        else:
            welcome(user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Attune. Whenever you're ready, tap how you feel.")
            return redirect("journal:home")
    if owner is not None:
        signups.tell_owner(request, owner)
    return render(request, "accounts/signup_check_email.html", {"email": email})


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedHtmxRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render_settings(request, form=form)


@login_required
@require_POST
def time_zone_view(request: AuthedHtmxRequest) -> HttpResponse:
    """The check-in page's "Switch to <this device's zone>"."""
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        request.user.time_zone = form.cleaned_data["time_zone"]
        request.user.save(update_fields=["time_zone"])
        messages.success(request, f"Times are now shown in {request.user.time_zone}.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["time_zone"]))
    return redirect("journal:home")


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: AuthedHtmxRequest) -> HttpResponse:
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            email_changes.send_confirmation(request.user, new_email)
        except OSError:
            messages.error(request, "We couldn't send the email just now. Please try again soon.")
            return render(request, "accounts/email_change.html", {"form": form})
        messages.success(
            request,
            f"We sent a link to {new_email}. Open it to confirm; until then your address "
            "stays as it is.",
        )
        return redirect("accounts:settings")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HtmxRequest, token: str) -> HttpResponse:
    """GET shows a button; POST changes the address (scanners only GET)."""
    try:
        _user, new_email = email_changes.read_token(token)
        if request.method == "POST":
            email_changes.apply_change(token)
            messages.success(request, f"Your email address is now {new_email}.")
            return redirect(
                "accounts:settings" if request.user.is_authenticated else "accounts:login"
            )
    except email_changes.ChangeRefused as refusal:
        return render(request, "accounts/email_change_confirm.html", {"problem": str(refusal)})
    return render(
        request, "accounts/email_change_confirm.html", {"new_email": new_email, "token": token}
    )


class PasswordResetConfirmAndUnlockView(auth_views.PasswordResetConfirmView):
    """The lockout page points here: a password reset by email also lifts the
    login pause for that account, so the person can log in straight away."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response
