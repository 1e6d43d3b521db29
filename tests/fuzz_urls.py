"""A URLconf for testing the form fuzzer itself: a view that fails on a field
its page offers, and one that changes data while it says it refused."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.models import User
from config.urls import urlpatterns as real_urlpatterns


def fragile(request: HttpRequest) -> HttpResponse:
    if "note" in request.POST:
        raise ValueError("the fuzzer found the fragile view")
    return HttpResponse('<form method="post"><textarea name="note"></textarea></form>')


def careless(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        User.objects.filter(email=request.user.get_username()).update(
            display_name="changed by a refusal"
        )
        return HttpResponse("refused", status=400)
    return HttpResponse("<form method='post'><input name='name'></form>")


urlpatterns = [
    path("selftest/fragile/", fragile, name="selftest_fragile"),
    path("selftest/careless/", careless, name="selftest_careless"),
    *real_urlpatterns,
]
