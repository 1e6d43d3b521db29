from __future__ import annotations

from celery import shared_task
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


@shared_task(max_retries=3, autoretry_for=(OSError,), retry_backoff=True)
def send_password_reset(user_id: int, domain: str, use_https: bool) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {
        "user": user,
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("emails/password_reset_subject.txt", context).strip()
    body = render_to_string("emails/password_reset.txt", context)
    html = render_to_string("emails/password_reset.html", context)
    message = EmailMultiAlternatives(subject, body, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
