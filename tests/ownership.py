"""The ownership matrix: for every URL that names an object, another user gets
404 and the owner's data stays as it was.

How a URL kwarg becomes one of Alice's objects, most specific first:
1. `URL_NAME_PARAMS[url_name][kwarg]` — for anything special;
2. `KWARG_PARAMS[kwarg]` — `checkin_id`, `playlist_id`, ...;
3. for generic names (`pk`, `id`, `uuid`, `object_id`): the last word of the
   route before the kwarg (`playlists/<int:pk>/` → playlist, see `ROUTE_WORDS`).
A kwarg that none of these map fails the test with a message saying where to
add it, so a new URL cannot escape the matrix. To be sure the mapping is right,
the owner must *not* get a 404 on the same URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from journal.models import CheckIn, WeeklyReflection
from music.models import Playlist
from tests import factories as f
from tests.urlwalk import Route

Made = dict[str, object]  # objects made so far for one URL, by kind


@dataclass(frozen=True)
class Param:
    """How to fill one URL kwarg. `owned=False` for plain values (a format, a
    year) that name nothing a user owns."""

    kind: str
    make: Callable[[User, Made], object]
    attr: str = "pk"
    owned: bool = True


def _checkin(user: User, made: Made) -> CheckIn:
    return f.make_checkin(user, "owner's private note about the lighthouse")


def _deleted_checkin(user: User, made: Made) -> CheckIn:
    """A check-in in its undo window (for undo/restore URLs)."""
    checkin = _checkin(user, made)
    CheckIn.objects.filter(pk=checkin.pk).update(deleted_at=dt.datetime.now(dt.UTC))
    checkin.refresh_from_db()
    return checkin


def _track(user: User, made: Made) -> object:
    """One of the user's tracks: attached to the URL's check-in or playlist if
    there is one, with a rating and a listen."""
    checkin, playlist = made.get("checkin"), made.get("playlist")
    if isinstance(checkin, CheckIn):
        track = checkin.track_links.get().track
    elif isinstance(playlist, Playlist):
        track = playlist.items.first().track  # type: ignore[union-attr]
    else:
        track = f.make_track(user)
    f.make_user_track(user, track)
    f.make_listen(user, track)
    return track


def _playlist(user: User, made: Made) -> Playlist:
    return f.make_playlist(user)


def _playlist_item(user: User, made: Made) -> object:
    playlist = made.get("playlist") or f.make_playlist(user)
    return playlist.items.first()  # type: ignore[attr-defined]


def _checkin_track(user: User, made: Made) -> object:
    checkin = made.get("checkin") or _checkin(user, made)
    return checkin.track_links.first()  # type: ignore[attr-defined]


def _reflection(user: User, made: Made) -> WeeklyReflection:
    return f.make_reflection(user)


def _plain(value: object) -> Callable[[User, Made], object]:
    return lambda user, made: value


KINDS: dict[str, Param] = {
    "checkin": Param("checkin", _checkin),
    "checkin_uuid": Param("checkin", _checkin, attr="uuid"),
    "deleted_checkin": Param("checkin", _deleted_checkin),
    "tag": Param("tag", lambda user, made: f.make_tag(user)),
    "word": Param("word", lambda user, made: f.make_word(user)),
    "track": Param("track", _track),
    "usertrack": Param("usertrack", lambda user, made: f.make_user_track(user)),
    "listen": Param("listen", lambda user, made: f.make_listen(user)),
    "playlist": Param("playlist", _playlist),
    "playlistitem": Param("playlistitem", _playlist_item),
    "checkintrack": Param("checkintrack", _checkin_track),
    "reflection": Param("reflection", _reflection),
    "reflection_week": Param("reflection", _reflection, attr="week_start"),
    "importjob": Param("importjob", lambda user, made: f.make_import_job(user)),
}

KWARG_PARAMS: dict[str, Param] = {
    "checkin_id": KINDS["checkin"],
    "checkin_pk": KINDS["checkin"],
    "checkin_uuid": KINDS["checkin_uuid"],
    "uuid": KINDS["checkin_uuid"],  # only check-ins have a uuid
    "tag_id": KINDS["tag"],
    "tag_pk": KINDS["tag"],
    "word_id": KINDS["word"],
    "emotionword_id": KINDS["word"],
    "track_id": KINDS["track"],
    "track_pk": KINDS["track"],
    "usertrack_id": KINDS["usertrack"],
    "listen_id": KINDS["listen"],
    "playlist_id": KINDS["playlist"],
    "playlist_pk": KINDS["playlist"],
    "item_id": KINDS["playlistitem"],
    "item_pk": KINDS["playlistitem"],
    "playlistitem_id": KINDS["playlistitem"],
    "link_id": KINDS["checkintrack"],
    "link_pk": KINDS["checkintrack"],
    "checkintrack_id": KINDS["checkintrack"],
    "reflection_id": KINDS["reflection"],
    "reflection_pk": KINDS["reflection"],
    "week_start": KINDS["reflection_week"],
    "week": KINDS["reflection_week"],
    "job_id": KINDS["importjob"],
    "job_pk": KINDS["importjob"],
    "import_id": KINDS["importjob"],
    "importjob_id": KINDS["importjob"],
    # Plain values that name nothing a user owns.
    "format": Param("format", _plain("m3u8"), owned=False),
    "fmt": Param("format", _plain("m3u8"), owned=False),
    "year": Param("year", _plain(2026), owned=False),
    "source": Param("source", _plain("daylio"), owned=False),  # an import's source
    "month": Param("month", _plain(3), owned=False),
    "day": Param("day", _plain(1), owned=False),
    "date": Param("date", _plain(dt.date(2026, 3, 1)), owned=False),
    "preset": Param("preset", _plain("comfort"), owned=False),
    "quadrant": Param("quadrant", _plain("blue"), owned=False),
    "token": Param("token", _plain("not-a-valid-signed-token"), owned=False),  # signed, not an id
}

# Words of a route (singular) that say what its generic `pk`/`id` names.
ROUTE_WORDS: dict[str, str] = {
    "checkin": "checkin",
    "check-in": "checkin",
    "entry": "checkin",
    "entrie": "checkin",
    "moment": "checkin",
    "tag": "tag",
    "word": "word",
    "emotion": "word",
    "track": "track",
    "song": "track",
    "rating": "usertrack",
    "listen": "listen",
    "playlist": "playlist",
    "item": "playlistitem",
    "reflection": "reflection",
    "import": "importjob",
    "job": "importjob",
}
GENERIC_KWARGS = {"pk", "id", "object_id"}

# url name -> {kwarg: Param}, for URLs the rules above get wrong, e.g.
#   "checkin_undo": {"pk": KINDS["deleted_checkin"]},
URL_NAME_PARAMS: dict[str, dict[str, Param]] = {
    "journal:journal_import_job": {
        "pk": Param("importjob", lambda user, made: f.make_import_job(user, kind="daylio"))
    },
    "reminders:time_remove": {
        "pk": Param("remindertime", lambda user, made: f.make_reminder_time(user))
    },
}

# URLs outside the matrix, each with the reason.
EXEMPT: dict[str, str] = {
    "accounts:password_reset_confirm": "a signed, expiring token, not an object id",
    "music:listen_api_listens": "token-authenticated API, never the session: another user's "
    "token gets 404 and no token 401 (tests/music/test_listen_api.py)",
    "music:listen_api_playing_now": "token-authenticated API, never the session: another "
    "user's token gets 404 and no token 401 (tests/music/test_listen_api.py)",
}
EXEMPT_PREFIXES = {
    "admin/": "staff only (tested in test_it_keeps_the_admin_to_staff)",
}


class Unmapped(Exception):
    pass


def _word_before(route: str, kwarg: str) -> str:
    head = route.split(f":{kwarg}>", 1)[0].rsplit("<", 1)[0]
    literal = [part for part in head.split("/") if part and "<" not in part]
    word = (literal[-1] if literal else "").lower().replace("_", "-")
    return word[:-1] if word.endswith("s") else word


def params_for(route: Route) -> dict[str, Param]:
    by_name = URL_NAME_PARAMS.get(route.name or "", {})
    params = {}
    for kwarg in route.kwargs:
        if kwarg in by_name:
            params[kwarg] = by_name[kwarg]
        elif kwarg in KWARG_PARAMS:
            params[kwarg] = KWARG_PARAMS[kwarg]
        elif kwarg in GENERIC_KWARGS and _word_before(route.route, kwarg) in ROUTE_WORDS:
            params[kwarg] = KINDS[ROUTE_WORDS[_word_before(route.route, kwarg)]]
        else:
            raise Unmapped(
                f"URL {route.route!r} (name {route.name!r}) takes {kwarg!r}, which the "
                f"ownership matrix cannot map to an object. Add it to KWARG_PARAMS or "
                f"URL_NAME_PARAMS in tests/ownership.py (with a factory in "
                f"tests/factories.py if it is a new model), or to EXEMPT with a reason."
            )
    return params


def is_exempt(route: Route) -> bool:
    return (route.name in EXEMPT) or route.route.startswith(tuple(EXEMPT_PREFIXES))


REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("GET", {}),
    ("GET", {"HX-Request": "true"}),
    ("POST", {}),
    ("POST", {"HX-Request": "true"}),
    ("DELETE", {}),
    ("DELETE", {"HX-Request": "true"}),
]


def _value(param: Param, obj: object, converter: str) -> object:
    value = getattr(obj, param.attr) if param.owned else obj
    return str(value) if converter in {"StringConverter", "SlugConverter"} else value


def url_kwargs(route: Route, params: dict[str, Param], user: User) -> dict[str, object]:
    """The route's kwargs, each naming an object made for `user` (objects made
    for earlier kwargs are passed on, so a song can belong to the check-in)."""
    made: Made = {}
    kwargs = {}
    for kwarg, param in params.items():
        obj = param.make(user, made)
        if isinstance(obj, Model):
            made[param.kind] = obj
        kwargs[kwarg] = _value(param, obj, route.converters.get(kwarg, ""))
    return kwargs


def check_route(route: Route, alice: User, bob_client: Client, alice_client: Client) -> list[str]:
    """Problems with one route (empty when it is sealed)."""
    if route.name is None:
        return [f"URL {route.route!r} takes {route.kwargs} but has no name; name it."]
    try:
        params = params_for(route)
    except Unmapped as error:
        return [str(error)]
    if not any(param.owned for param in params.values()):
        return []
    kwargs = url_kwargs(route, params, alice)
    try:
        url = reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return [
            f"URL {route.route!r} (name {route.name!r}): cannot build it from {kwargs!r}; "
            f"map its kwargs in URL_NAME_PARAMS in tests/ownership.py"
        ]
    before = f.snapshot(alice)
    problems = []
    refused = set()
    for method, headers in REQUESTS:
        status = bob_client.generic(method, url, headers=headers).status_code
        if status == 405:
            refused.add(method)
        elif status != 404:
            problems.append(f"{url} ({route.name}): another user got {status} on {method}")
    if f.snapshot(alice) != before:
        problems.append(f"{url} ({route.name}): another user's requests changed the owner's data")
    for method in refused:  # 405 says nothing about the object only if the owner gets it too
        if alice_client.generic(method, url).status_code != 405:
            problems.append(f"{url}: {method} is 405 for another user but not for the owner")
    owner_method = "GET" if "GET" not in refused else "POST"
    if owner_method not in refused and alice_client.generic(owner_method, url).status_code == 404:
        problems.append(
            f"{url} ({route.name}): the owner gets 404 too, so the matrix made the wrong "
            f"object for it; map it in URL_NAME_PARAMS in tests/ownership.py"
        )
    return problems
