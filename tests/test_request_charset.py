"""A request that claims a charset other than UTF-8 is refused, not read: it is
how lone surrogates reach a form (found by tests/test_fuzz_every_form.py)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client, RequestFactory

from accounts.models import User
from config.wsgi import application

SURROGATE_PASSWORD = "a calm \\ud800 river 42"  # as `unicode_escape` bytes


def multipart(fields: dict[str, str]) -> bytes:
    parts = [
        f'--b\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    return ("".join(parts) + "--b--\r\n").encode("ascii")


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        (
            "/accounts/signup/",
            {
                "email": "new@example.com",
                "password1": SURROGATE_PASSWORD,
                "password2": SURROGATE_PASSWORD,
                "time_zone": "UTC",
            },
        ),
        ("/accounts/login/", {"username": "alice@example.com", "password": SURROGATE_PASSWORD}),
        ("/accounts/password/reset/", {"email": "alice@example.com\\ud800"}),
    ],
)
def test_it_refuses_a_form_in_unicode_escape(alice: User, url: str, fields: dict) -> None:
    response = Client(raise_request_exception=False).generic(
        "POST",
        url,
        multipart(fields),
        content_type="multipart/form-data; boundary=b; charset=unicode_escape",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert User.objects.count() == 1


def test_it_refuses_a_query_in_unicode_escape(alice_client: Client) -> None:
    response = alice_client.get(
        "/music/?q=%5Cud800", CONTENT_TYPE="text/plain; charset=unicode_escape"
    )
    assert response.status_code == 400


def test_it_still_reads_utf8_and_a_charset_it_does_not_know(alice_client: Client) -> None:
    for charset in ("utf-8", "UTF8", "no-such-charset"):
        response = alice_client.generic(
            "POST",
            "/settings/delete/",
            multipart({"password": "wrong"}),
            content_type=f"multipart/form-data; boundary=b; charset={charset}",
        )
        assert response.status_code == 200
        assert "doesn" in response.content.decode()  # the form's own message


@pytest.mark.parametrize("charset", ["base64", "rot13", "unicode_escape"])
def test_the_wsgi_app_refuses_a_charset_before_django_reads_the_query(
    db: None, charset: str
) -> None:
    """Django decodes the query string while it builds the request, before any
    middleware, so `charset=base64` with a query string was a 500."""
    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO="/accounts/login/",
        QUERY_STRING="next=/",
        REQUEST_METHOD="GET",
        CONTENT_TYPE=f"text/plain; charset={charset}",
    )
    environ["wsgi.input"] = BytesIO()
    started: list[str] = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["400 Bad Request"]
    assert b"UTF-8" in body


def test_the_wsgi_app_serves_an_ordinary_request(db: None) -> None:
    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO="/accounts/login/", QUERY_STRING="next=/", REQUEST_METHOD="GET"
    )
    environ["wsgi.input"] = BytesIO()
    started: list[str] = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["200 OK"]
    assert b"password" in body.lower()
