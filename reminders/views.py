"""Settings → Reminders, and the browser's push subscription."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedHtmxRequest
from reminders.forms import PlanForm, PushSubscriptionForm, ReminderTimeForm
from reminders.models import PushSubscription, ReminderPlan, ReminderTime
from reminders.vapid import public_key

MAX_TIMES = 12


def plan_of(request: AuthedHtmxRequest) -> ReminderPlan:
    plan, _ = ReminderPlan.objects.get_or_create(user=request.user)
    return plan


def page(
    request: AuthedHtmxRequest,
    plan_form: PlanForm | None = None,
    time_form: ReminderTimeForm | None = None,
) -> HttpResponse:
    plan = plan_of(request)
    context = {
        "plan_form": plan_form or PlanForm(instance=plan),
        "time_form": time_form or ReminderTimeForm(),
        "times": ReminderTime.objects.filter(user=request.user),
        "devices": PushSubscription.objects.filter(user=request.user).count(),
        "vapid_public_key": public_key(),
        "max_times": MAX_TIMES,
    }
    status = 400 if (plan_form and plan_form.errors) or (time_form and time_form.errors) else 200
    return render(request, "reminders/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: AuthedHtmxRequest) -> HttpResponse:
    if request.method == "GET":
        return page(request)
    form = PlanForm(request.POST, instance=plan_of(request))
    if not form.is_valid():
        return page(request, plan_form=form)
    form.save()
    messages.success(request, "Your reminders are saved.")
    return redirect("reminders:settings")


@login_required
@require_POST
def reminder_time_add(request: AuthedHtmxRequest) -> HttpResponse:
    form = ReminderTimeForm(request.POST)
    if ReminderTime.objects.filter(user=request.user).count() >= MAX_TIMES:
        form.add_error(None, f"You can have up to {MAX_TIMES} reminders a day.")
    if not form.is_valid():
        return page(request, time_form=form)
    time = form.save(commit=False)
    time.user = request.user
    time.save()
    messages.success(request, f"Added a reminder {time}.")
    return redirect("reminders:settings")


@login_required
@require_POST
def reminder_time_remove(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    time = get_object_or_404(ReminderTime, pk=pk, user=request.user)
    time.delete()
    messages.success(request, f"Removed the reminder {time}.")
    return redirect("reminders:settings")


@login_required
@require_POST
def push_subscribe(request: AuthedHtmxRequest) -> HttpResponse:
    """The browser's PushSubscription (JSON, from static/js/push.js). An
    endpoint is one browser: it moves to whoever subscribes from it last."""
    try:
        data = json.loads(request.body or b"{}")
        keys = data.get("keys") or {}
        fields = {
            "endpoint": data.get("endpoint"),
            "p256dh": keys.get("p256dh"),
            "auth": keys.get("auth"),
        }
    except (ValueError, AttributeError):
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    form = PushSubscriptionForm(fields)
    if not form.is_valid():
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    PushSubscription.objects.update_or_create(
        endpoint=form.cleaned_data["endpoint"],
        defaults={
            "user": request.user,
            "p256dh": form.cleaned_data["p256dh"],
            "auth": form.cleaned_data["auth"],
        },
    )
    plan = plan_of(request)
    if not plan.by_push:
        plan.by_push = True
        plan.save(update_fields=["by_push"])
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: AuthedHtmxRequest) -> HttpResponse:
    try:
        endpoint = str(json.loads(request.body or b"{}").get("endpoint", ""))
    except (ValueError, AttributeError):
        endpoint = ""
    PushSubscription.objects.filter(user=request.user, endpoint=endpoint).delete()
    return JsonResponse({"ok": True})
