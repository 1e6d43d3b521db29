"""QUALITY 13: no input gives a 500, and input that is refused changes nothing.

Every URL in the URLconf is fuzzed, so a new URL cannot escape: the list comes
from tests/urlwalk.py, and object kwargs are filled with the owner's own rows
the way the ownership matrix does it (tests/ownership.py). For each URL,
hypothesis sends what a browser, a broken client or an attacker could send,
logged in as the owner of the objects:

- field names from the view's forms and the names it reads from
  `request.GET`/`request.POST` (found in its module's source), from the
  `<form>`s and htmx attributes of the rendered pages, plus random keys;
- values from the page's own options, the owner's ids, and hostile text: lone
  surrogates, NUL, very long strings, numbers out of range, dates like
  0000-00-00 and 9999-12-31, CRLF, a BOM, formula cells, HTML;
- URL-encoded and multipart bodies (random files for upload fields), with the
  charset a browser sends or one it never would (`unicode_escape` is how a
  client gets a lone surrogate into `request.POST`; `base64` is not a text
  encoding at all);
- every page that answers GET gets the same treatment in its query string.

Each example runs in a savepoint that is rolled back, so every example starts
from the same rows. A POST that is refused (4xx, or a form error on the page)
must leave every row of the owner's data as it was. Bodies over the upload
limit get a 413 before anything parses them.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import got_request_exception
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import clear_url_caches, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import User
from journal.reflections.unsubscribe import unsubscribe_token
from tests import factories as f
from tests.ownership import Param, params_for, url_kwargs
from tests.urlwalk import Route, iter_routes

# URLs not fuzzed, each with the reason. The test fails when one of these no
# longer exists, so the list cannot rot.
EXCLUDED: dict[str, str] = {
    "accounts:logout": "takes no input; it only ends the session the fuzzer is logged in with",
}
EXCLUDED_PREFIXES: dict[str, str] = {
    "admin/": "Django's own admin, for staff only; its forms are Django's, not ours",
}

# URL kwargs the ownership matrix leaves out (it has nothing to seal there), filled
# with values that lead to the real form.
PARAMS: dict[str, dict[str, Param]] = {
    "accounts:password_reset_confirm": {
        "uidb64": Param(
            "uid", lambda user, made: urlsafe_base64_encode(force_bytes(user.pk)), owned=False
        ),
        "token": Param(
            "token", lambda user, made: default_token_generator.make_token(user), owned=False
        ),
    },
    "journal:unsubscribe": {
        "token": Param(
            "token", lambda user, made: unsubscribe_token(user, "reflection"), owned=False
        ),
    },
}

# Forms where losing data would hurt most: the fuzzer must have seen them refuse
# input (and checked that the refusal changed nothing), not only accept it.
KEY_FORMS = {
    "journal:checkin_detail",
    "journal:checkin_note",
    "accounts:settings",
    "journal:delete_account",
    "accounts:signup",
    "journal:tags",
}

# Examples per URL and method: small, so the whole module stays within a minute.
POST_EXAMPLES = 40
GET_EXAMPLES = 15
PHASES = tuple(Phase)  # the self-test leaves out shrinking, which is slow
UPLOAD_LIMIT = 256 * 1024  # a small MAX_UPLOAD_BYTES, so an oversized body is cheap to send

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "x\ud83d",
    "\ufeff",
    "\ufeffname",
    "\r\n",
    "a\rb\nc",
    "\u202eevil",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999999999999999",
    "4,4",
    "-4,-4",
    "5,5",
    "1,",
    ",",
    "a,b",
    "0000-00-00",
    "0001-01-01",
    "1899-12-31",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-03-29T02:30",
    "24:00",
    "23:59:60",
    "-00:01",
    "on",
    "true",
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    '@HYPERLINK("x")',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE journal_checkin; --",
    "%s%n%x",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "x" * 5000,
    "🙂" * 400,
]
# Charsets a request may claim. Codecs that are not text encodings (base64) break
# Django before any middleware runs; config/wsgi.py refuses them (see
# tests/test_request_charset.py), so the test client, which bypasses
# config/wsgi.py, does not send them.
CHARSETS = [None, None, "utf-8", "unicode_escape", "unicode_escape", "latin-1", "utf-16", "nope"]
FILE_NAMES = [
    "export.csv",
    "archive.json",
    "StreamingHistory0.json",
    "listens.zip",
    "",
    "../../etc/passwd",
    "a\x00b.csv",
    "x" * 300 + ".json",
    "\ud800.csv",
]
FILE_CONTENTS = [
    b"",
    b"\xef\xbb\xbf",
    b"\x00" * 64,
    b"PK\x03\x04",
    b'{"version": 1, "checkins": [',
    b'{"checkins": [{"note": "\\ud800", "felt_at": "0000-00-00"}]}',
    b"full_date,time,mood\r\n9999-12-31,25:61,=cmd|' /C calc'!A0\r\n",
    "date,mood\n2026-03-01,\u00e9\n".encode("latin-1"),
    b"\xff\xfe" + "date,mood\n".encode("utf-16-le"),
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL),
        st.text(st.characters(exclude_categories=()), max_size=40),  # lone surrogates too
        st.builds("{}\ud800{}".format, st.text(max_size=8), st.text(max_size=8)),
        st.integers(-(2**70), 2**70).map(str),
        st.dates().map(str),
        st.builds("{}{}".format, st.sampled_from(SPECIAL), st.text(max_size=8)),
    )


# ---------------------------------------------------------------- the URLs


def _excluded(route: Route) -> bool:
    return route.name in EXCLUDED or route.route.startswith(tuple(EXCLUDED_PREFIXES))


ROUTES = [route for route in iter_routes() if not _excluded(route)]


def build_url(route: Route, user: User) -> str:
    assert route.name, f"URL {route.route!r} has no name; name it so it can be reversed."
    params = PARAMS.get(route.name) or params_for(route)
    return reverse(route.name, kwargs=url_kwargs(route, params, user))


# ------------------------------------------------- what a URL takes as input


@dataclass
class Inputs:
    """Field names a URL reads, values its pages offer, and its file fields."""

    names: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def add(self, other: Inputs) -> None:
        self.names |= other.names
        self.values |= other.values
        self.files |= other.files


class PageForms(HTMLParser):
    """The inputs of a page by the path they are sent to: `<form>`s, htmx
    attributes (`hx-post`, `hx-vals`) and links with a query string."""

    HX = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.by_path: dict[str, Inputs] = {}
        self.form: Inputs | None = None

    def at(self, target: str) -> Inputs:
        parts = urlsplit(urljoin(self.page, target))
        inputs = self.by_path.setdefault(parts.path, Inputs())
        for pair in parts.query.split("&"):
            key, _, value = pair.partition("=")
            if key:
                inputs.names.add(key)
                inputs.values.add(value)
        return inputs

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attr_list}
        if tag == "form":
            self.form = self.at(attrs.get("action") or self.page)
        targets = [self.at(attrs[hx]) for hx in self.HX if attrs.get(hx)]
        if tag == "a" and "?" in attrs.get("href", ""):
            self.at(attrs["href"])
        into = [*targets, self.form or self.at(self.page)]
        name, value = attrs.get("name"), attrs.get("value")
        for inputs in into:
            if tag in {"input", "select", "textarea", "button"} and name:
                inputs.names.add(name)
                if attrs.get("type") == "file":
                    inputs.files.add(name)
            if tag in {"input", "option", "button"} and value:
                inputs.values.add(value)
            if attrs.get("hx-vals", "").startswith("{"):
                try:
                    extra = json.loads(attrs["hx-vals"])
                except ValueError:
                    continue
                inputs.names |= set(extra)
                inputs.values |= {str(v) for v in extra.values()}

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None


READS = re.compile(
    r"request\.(?:GET|POST|FILES)(?:\.get|\.getlist|\.pop)?[\[(]\s*[\"']([^\"']+)[\"']"
)
FORM_NAME = re.compile(r"\b([A-Z]\w*Form)\b")


def view_inputs(path: str) -> Inputs:
    """The names the view at `path` reads: fields of the forms named in its module
    (or given to a class-based view), and keys it looks up in request.GET/POST."""
    inputs = Inputs()
    match = resolve(path)
    view = inspect.unwrap(match.func)
    form_classes: list[Any] = []
    view_class = getattr(match.func, "view_class", None)
    if view_class is not None:
        initkwargs = getattr(match.func, "view_initkwargs", {})
        for key in ("form_class", "authentication_form"):
            form_classes.append(initkwargs.get(key) or getattr(view_class, key, None))
        view = view_class
    module = inspect.getmodule(view)
    if module is not None and not module.__name__.startswith("django."):
        source = inspect.getsource(module)
        inputs.names |= set(READS.findall(source))
        form_classes += [getattr(module, name, None) for name in FORM_NAME.findall(source)]
    for form_class in form_classes:
        if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm):
            for name, form_field in form_class.base_fields.items():  # type: ignore[attr-defined]
                inputs.names.add(name)
                if isinstance(form_field, forms.FileField):
                    inputs.files.add(name)
    return inputs


def page_inputs(client: Client, url: str) -> Inputs:
    """Inputs sent to `url` from its own page or the nearest page above it
    (`/checkins/5/words/` is posted from `/checkins/5/`)."""
    inputs = Inputs()
    path = url
    while True:
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            scan = PageForms(path)
            scan.feed(response.content.decode())
            inputs.add(scan.by_path.get(url, Inputs()))
        if inputs.names or path == "/":
            return inputs
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"


def owned_ids(user: User) -> set[str]:
    """Every id among the owner's rows, for fields that pick one."""
    ids = set()
    for rows in f.snapshot(user).values():
        for row in rows:
            ids |= {str(v) for k, v in row.items() if (k == "id" or k.endswith("_id")) and v}
    return ids


# ---------------------------------------------------------- sending requests


def _encode(text: str, charset: str | None) -> bytes:
    if charset == "unicode_escape":
        return text.encode("unicode_escape")
    if charset == "latin-1":
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate as broken UTF-8


def urlencoded(data: dict[str, list[str]], charset: str | None) -> str:
    return "&".join(
        f"{quote(_encode(key, charset), safe='')}={quote(_encode(value, charset), safe='')}"
        for key, values in data.items()
        for value in values
    )


BOUNDARY = "fuzz-0c4f9a1e"


def multipart(
    data: dict[str, list[str]], files: dict[str, tuple[str, bytes]], charset: str | None
) -> bytes:
    parts = []
    for key, values in data.items():
        for value in values:
            parts.append(
                b'Content-Disposition: form-data; name="%s"\r\n\r\n%s'
                % (_encode(key, charset), _encode(value, charset))
            )
    for key, (name, content) in files.items():
        parts.append(
            b'Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n%s"
            % (_encode(key, charset), _encode(name, charset), content)
        )
    head = f"--{BOUNDARY}\r\n".encode()
    return b"".join(head + part + b"\r\n" for part in parts) + f"--{BOUNDARY}--\r\n".encode()


def content_type(kind: str, charset: str | None) -> str:
    base = f"multipart/form-data; boundary={BOUNDARY}" if kind == "multipart" else kind
    return f"{base}; charset={charset}" if charset else base


@dataclass
class Request:
    method: str
    data: dict[str, list[str]]
    files: dict[str, tuple[str, bytes]]
    charset: str | None
    multipart: bool
    htmx: bool

    def send(self, client: Client, url: str) -> Any:  # the test client's response
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.method == "GET":
            query = urlencoded(self.data, self.charset)
            ctype = content_type("text/plain", self.charset)
            return client.generic("GET", f"{url}?{query}", headers=headers, CONTENT_TYPE=ctype)
        if self.multipart or self.files:
            body = multipart(self.data, self.files, self.charset)
            ctype = content_type("multipart", self.charset)
        else:
            body = urlencoded(self.data, self.charset).encode("ascii")
            ctype = content_type("application/x-www-form-urlencoded", self.charset)
        return client.generic("POST", url, body, content_type=ctype, headers=headers)


def requests(method: str, inputs: Inputs, ids: set[str]) -> st.SearchStrategy[Request]:
    known = sorted(inputs.values | ids)
    value = hostile_text() | st.sampled_from(known) if known else hostile_text()
    values = st.lists(value, min_size=1, max_size=3)
    fields = st.fixed_dictionaries(
        {}, optional={name: values for name in sorted(inputs.names - inputs.files)}
    )
    random_keys = st.dictionaries(hostile_text(), values, max_size=2)
    upload = st.tuples(
        st.sampled_from(FILE_NAMES), st.sampled_from(FILE_CONTENTS) | st.binary(max_size=200)
    )
    files = (
        st.fixed_dictionaries({}, optional=dict.fromkeys(sorted(inputs.files), upload))
        if method == "POST"
        else st.just({})
    )
    return st.builds(
        Request,
        method=st.just(method),
        data=st.builds(lambda a, b: {**b, **a}, fields, random_keys),
        files=files,
        charset=st.sampled_from(CHARSETS),
        multipart=st.booleans(),
        htmx=st.booleans(),
    )


@contextmanager
def server_errors() -> Iterator[list[str]]:
    """Tracebacks of the exceptions the server raised while handling requests."""
    caught: list[str] = []

    def record(sender: object, **kwargs: object) -> None:
        caught.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)
    try:
        yield caught
    finally:
        got_request_exception.disconnect(record)


def read(response: HttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def refused(response: HttpResponse) -> bool:
    if response.status_code >= 400:
        return True
    html = response.content.decode(errors="replace") if not response.streaming else ""
    return 'class="errorlist"' in html or 'class="form-errors"' in html


@contextmanager
def rolled_back(client: Client) -> Iterator[None]:
    """Run one example and undo it: the rows in the database and the client's cookies."""
    cookies = client.cookies
    client.cookies = type(cookies)()
    client.cookies.update(cookies)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies


# --------------------------------------------------------------- the tests


@pytest.fixture(autouse=True)
def small_limits(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MAX_UPLOAD_BYTES = UPLOAD_LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def choose_client(alice: User, url: str) -> tuple[Client, int]:
    """The owner's client, or a logged-out one for pages only for the logged
    out (login, signup); and the page's status for GET."""
    owner = _client(alice)
    status = owner.get(url).status_code
    if status in (301, 302):
        anonymous = _client(None)
        anonymous_status = anonymous.get(url).status_code
        if anonymous_status == 200:
            return anonymous, anonymous_status
    return owner, status


def fuzz(
    method: str,
    examples: int,
    client: Client,
    url: str,
    inputs: Inputs,
    ids: set[str],
    check: Callable[[Request, HttpResponse], None],
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests(method, inputs, ids))
    def run(request: Request) -> None:
        with rolled_back(client), server_errors() as errors:
            response = request.send(client, url)
            body = b""
            try:
                body = read(response)
            except Exception:  # a stream that breaks half way is a server error too
                errors.append(traceback.format_exc())
            assert response.status_code < 500 and not errors, (
                f"{request.method} {url} answered {response.status_code}:\n"
                + ("\n".join(errors) or body.decode(errors="replace")[:2000])
            )
            check(request, response)

    run()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name or route.route)
def test_no_input_gives_a_server_error(route: Route, alice: User) -> None:
    f.make_everything(alice)
    url = build_url(route, alice)
    client, get_status = choose_client(alice, url)
    if route.name == "accounts:password_reset_confirm" and get_status == 302:
        # The token moves into the session; the form lives on the URL it redirects to.
        url = client.get(url)["Location"]
        get_status = client.get(url).status_code
    inputs = view_inputs(url)
    inputs.add(page_inputs(client, url))
    ids = owned_ids(alice)
    refusals = 0

    def unchanged_if_refused(request: Request, response: HttpResponse) -> None:
        nonlocal refusals
        if refused(response):
            refusals += 1
            assert f.snapshot(alice) == before, (
                f"{url} refused {request} with {response.status_code} but changed data"
            )
        assert User.objects.filter(pk=alice.pk).exists(), f"{request} to {url} lost the account"

    def no_check(request: Request, response: HttpResponse) -> None:
        pass  # a GET is only held to "never a 5xx"

    before = f.snapshot(alice)
    with rolled_back(client):
        posted = client.post(url, {})
    if posted.status_code != 405:
        fuzz("POST", POST_EXAMPLES, client, url, inputs, ids, unchanged_if_refused)
        # A body over the upload limit is refused before anything reads it.
        with rolled_back(client):
            big = client.generic(
                "POST", url, b"x" * (UPLOAD_LIMIT + 1), content_type="application/octet-stream"
            )
            assert big.status_code == 413, f"{url}: {big.status_code} for an oversized body"
            assert f.snapshot(alice) == before
    if get_status != 405:
        fuzz("GET", GET_EXAMPLES, client, url, inputs, ids, no_check)
    assert posted.status_code != 405 or get_status != 405, f"{url} takes neither GET nor POST"
    if route.name in KEY_FORMS:
        assert refusals, (
            f"{url}: no example was refused, so 'refusing changes nothing' went untested"
        )


def test_every_exclusion_still_names_a_url() -> None:
    routes = list(iter_routes())
    names = {route.name for route in routes}
    assert not set(EXCLUDED) - names, "EXCLUDED names a URL that is gone; remove it"
    for prefix in EXCLUDED_PREFIXES:
        assert any(route.route.startswith(prefix) for route in routes), prefix
    assert not set(PARAMS) - names, "PARAMS names a URL that is gone; remove it"
    assert len(ROUTES) >= 40  # the walk found the app's URLs


def test_the_form_scanner_finds_fields_hx_targets_and_links() -> None:
    scan = PageForms("/checkins/5/")
    scan.feed(
        '<form method="post" action="words/"><input type="checkbox" name="words" value="7">'
        '<select name="x"><option value="opt">o</option></select></form>'
        '<button hx-post="/tags/9/" hx-vals=\'{"archived": "1"}\'>Hide</button>'
        '<form><input type="file" name="file"></form><a href="/history/?year=2025">y</a>'
    )
    assert scan.by_path["/checkins/5/words/"].names == {"words", "x"}
    assert scan.by_path["/checkins/5/words/"].values == {"7", "opt"}
    assert scan.by_path["/tags/9/"].names == {"archived"}
    assert scan.by_path["/checkins/5/"].files == {"file"}
    assert scan.by_path["/history/"].names == {"year"}
    assert "when_date" in view_inputs("/checkins/5/").names  # EditCheckInForm, from the source
    assert "username" in view_inputs(reverse("accounts:login")).names  # authentication_form


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("selftest_fragile", "ValueError: the fuzzer found the fragile view"),
        ("selftest_careless", "but changed data"),
    ],
)
def test_the_fuzzer_catches_a_500_and_a_refusal_that_changes_data(
    alice: User, name: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PHASES", (Phase.generate,))
    clear_url_caches()
    try:
        with override_settings(ROOT_URLCONF="tests.fuzz_urls"):
            (route,) = [route for route in iter_routes() if route.name == name]
            with pytest.raises(AssertionError, match=message):
                test_no_input_gives_a_server_error(route, alice)
    finally:
        clear_url_caches()
