from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from accounts import invitations
from accounts.models import Invitation, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "display_name", "time_zone", "date_joined", "is_active"]
    search_fields = ["email", "display_name"]
    exclude = ["password"]


class InvitationForm(forms.ModelForm[Invitation]):
    send_email = forms.BooleanField(
        required=False, initial=True, label="Email the invitation link to this address"
    )

    class Meta:
        model = Invitation
        fields = ["email"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Staff invite people here when ATTUNE_SIGNUP is "invite". The link is
    shown once, after saving (only its hash is kept)."""

    form = InvitationForm
    list_display = ["email", "created_by", "created_at", "expires_at", "used_at"]
    search_fields = ["email"]
    readonly_fields = ["created_by", "created_at", "expires_at", "used_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an invitation is made, used or deleted, never edited

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        creator = request.user if isinstance(request.user, User) else None
        invitation, token = invitations.create_invitation(obj.email, created_by=creator)
        obj.pk = invitation.pk
        obj.token_hash = invitation.token_hash
        obj.expires_at = invitation.expires_at
        url = invitations.invite_url(token)
        if form.cleaned_data.get("send_email"):
            try:
                invitations.send_invitation(invitation, token)
            except OSError:
                messages.warning(
                    request, f"The email could not be sent just now. The link is {url}"
                )
                return
            messages.success(request, f"Invitation sent to {invitation.email}. The link is {url}")
        else:
            messages.success(request, f"Invitation made. Send this link to them: {url}")
