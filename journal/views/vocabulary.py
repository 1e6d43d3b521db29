"""The user's own emotion words and their context tags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedHtmxRequest
from journal.forms import CustomWordForm, TagForm
from journal.models import Tag
from mood.models import EmotionWord


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def word_list(request: AuthedHtmxRequest) -> HttpResponse:
    form = CustomWordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mood = form.cleaned_data["mood"]
        EmotionWord.objects.create(
            user=request.user,
            word=form.cleaned_data["word"],
            definition=form.cleaned_data["definition"],
            pleasantness=mood.pleasantness,
            energy=mood.energy,
        )
        messages.success(request, f"Added “{form.cleaned_data['word']}” to your words.")
        return redirect("journal:words")
    own = EmotionWord.objects.filter(user=request.user)
    shipped = EmotionWord.objects.filter(user__isnull=True)
    context = {
        "form": form,
        "own_words": own,
        "shipped_words": shipped,
        "selected": request.POST.get("mood", ""),
    }
    return render(request, "journal/words.html", context)


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
def word_delete(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    word = get_object_or_404(EmotionWord, pk=pk, user=request.user)
    if request.method == "GET":
        return redirect("journal:words")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    word.delete()
    messages.success(request, f"Removed “{word.word}” from your words.")
    return redirect("journal:words")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def tag_list(request: AuthedHtmxRequest) -> HttpResponse:
    form = TagForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        top = Tag.objects.filter(user=request.user).aggregate(top=Max("position"))["top"]
        Tag.objects.create(
            user=request.user,
            name=form.cleaned_data["name"],
            is_musical=form.cleaned_data["is_musical"],
            position=0 if top is None else top + 1,
        )
        messages.success(request, f"Added the tag “{form.cleaned_data['name']}”.")
        return redirect("journal:tags")
    return render(
        request,
        "journal/tags.html",
        {"form": form, "tags": Tag.objects.filter(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
def tag_update(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    """Rename a tag, or hide it from the check-in (past check-ins keep it)."""
    tag = get_object_or_404(Tag, pk=pk, user=request.user)
    if request.method == "GET":
        return redirect("journal:tags")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if "archived" in request.POST:
        tag.archived = request.POST["archived"] == "1"
        tag.save(update_fields=["archived"])
        state = "hidden from" if tag.archived else "back on"
        messages.success(request, f"“{tag.name}” is {state} the check-in page.")
        return redirect("journal:tags")
    form = TagForm(request.user, request.POST, tag=tag)
    if form.is_valid():
        tag.name = form.cleaned_data["name"]
        tag.is_musical = form.cleaned_data["is_musical"]
        tag.save(update_fields=["name", "is_musical"])
        messages.success(request, f"Saved the tag “{tag.name}”.")
        return redirect("journal:tags")
    return render(
        request,
        "journal/tags.html",
        {
            "form": TagForm(request.user),
            "tags": Tag.objects.filter(user=request.user),
            "edit_form": form,
            "edit_tag": tag,
        },
    )
