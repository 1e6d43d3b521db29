"""The timeline page as one plain SQL statement and one string of HTML.

A profile of the HTMX timeline page (issue 20) found the template loop (about
half of the view) and building and compiling the ORM query with its three
correlated JSON subqueries (a fifth) far ahead of the database. Here the
statement is text fixed at import, per database vendor; a page's filters only
add `AND ...` conditions with their parameters. The entries are rendered in
Python into small escaped strings, with the filter links precomputed once
per page. docs/history-performance.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from journal.listening import CONTEXT_WINDOW
from journal.models import CheckIn, CheckInTrack, Tag
from journal.search import matching_sql, query_tokens
from journal.timeline import (
    DETAIL_ORDER,
    PAGE_SIZE,
    Details,
    Entry,
    Filters,
    Page,
    decode_cursor,
    encode_cursor,
    entry_for,
    filter_links,
    only_heard,
)
from mood.models import EmotionWord
from music.models import Artist, Listen, Track

if TYPE_CHECKING:
    from accounts.models import User

CHECKINS = CheckIn._meta.db_table
WORD_LINKS = CheckIn.words.through._meta.db_table
TAG_LINKS = CheckIn.tags.through._meta.db_table
SONG_LINKS = CheckInTrack._meta.db_table

# The same conditions as timeline.QUADRANT_FILTERS (a test holds them equal).
QUADRANT_SQL = {
    "yellow": "c.pleasantness > 0 AND c.energy > 0",
    "red": "c.pleasantness < 0 AND c.energy > 0",
    "blue": "c.pleasantness < 0 AND c.energy < 0",
    "green": "c.pleasantness > 0 AND c.energy < 0",
    "neutral": "(c.pleasantness = 0 OR c.energy = 0)",
}


# Many-to-many filters as subqueries, so rows are never duplicated: word,
# tag, track, artist (in that order).
LINK_FILTERS = (
    f"c.id IN (SELECT checkin_id FROM {WORD_LINKS} WHERE emotionword_id = %s)",  # noqa: S608
    f"c.id IN (SELECT checkin_id FROM {TAG_LINKS} WHERE tag_id = %s)",  # noqa: S608
    f"c.id IN (SELECT checkin_id FROM {SONG_LINKS} WHERE track_id = %s)",  # noqa: S608
    f"c.id IN (SELECT x.checkin_id FROM {SONG_LINKS} x JOIN {Track._meta.db_table} s "  # noqa: S608
    "ON s.id = x.track_id WHERE s.artist_id = %s)",
)


@cache
def _select(vendor: str) -> str:
    """The page statement up to its WHERE clause: each check-in with its
    words, tags and songs as JSON arrays (one correlated subquery each, read
    by primary key through the link tables' checkin_id indexes)."""
    if vendor == "postgresql":
        agg = "json_agg(json_build_array({}))"
    else:
        agg = "json_group_array(json_array({}))"
    # Every name in these statements is ours; every value is a parameter.
    words = (
        f"SELECT {agg.format('w.id, w.word')} FROM {WORD_LINKS} x "  # noqa: S608
        f"JOIN {EmotionWord._meta.db_table} w ON w.id = x.emotionword_id WHERE x.checkin_id = c.id"
    )
    tags = (
        f"SELECT {agg.format('t.id, t.name, t.position')} FROM {TAG_LINKS} x "  # noqa: S608
        f"JOIN {Tag._meta.db_table} t ON t.id = x.tag_id WHERE x.checkin_id = c.id"
    )
    songs = (
        f"SELECT {agg.format('s.id, s.title, a.id, a.name, x.position, x.id')} FROM {SONG_LINKS} x "  # noqa: S608
        f"JOIN {Track._meta.db_table} s ON s.id = x.track_id "
        f"JOIN {Artist._meta.db_table} a ON a.id = s.artist_id WHERE x.checkin_id = c.id"
    )
    # Songs heard in the listening context before the check-in (journal/listening.py).
    minutes = int(CONTEXT_WINDOW.total_seconds() // 60)
    if vendor == "postgresql":
        since = f"c.felt_at - interval '{minutes} minutes'"
    else:  # SQLite keeps times as ISO text; datetime() gives the same form
        since = f"datetime(c.felt_at, '-{minutes} minutes')"
    heard = (
        f"SELECT {agg.format('s.id, s.title, a.id, a.name, l.played_at')} "  # noqa: S608
        f"FROM {Listen._meta.db_table} l JOIN {Track._meta.db_table} s ON s.id = l.track_id "
        f"JOIN {Artist._meta.db_table} a ON a.id = s.artist_id WHERE l.user_id = c.user_id "
        f"AND l.played_at > {since} AND l.played_at <= c.felt_at AND NOT l.skipped"
    )
    return (
        "SELECT c.id, c.uuid, c.user_id, c.felt_at, c.local_date, c.time_zone, c.pleasantness, "  # noqa: S608
        "c.energy, "
        f"c.note_ciphertext, c.note_key_id, ({words}) AS words_json, ({tags}) AS tags_json, "
        f"({songs}) AS tracks_json, ({heard}) AS heard_json FROM {CHECKINS} c "
        # As CheckIn.objects.owned_by(): not one waiting out its undo window.
        "WHERE c.user_id = %s AND c.deleted_at IS NULL"
    )


def filter_sql(filters: Filters) -> tuple[list[str], list[Any]]:
    """`filters` as SQL conditions on `c` (the check-in) and their parameters
    (tests/journal/test_timeline_rows.py holds them to the ORM filters)."""
    where: list[str] = []
    params: list[Any] = []
    if filters.invalid:
        return ["1 = 0"], []
    ops = connection.ops
    if filters.date_from:
        where.append("c.local_date >= %s")
        params.append(ops.adapt_datefield_value(filters.date_from))
    if filters.date_to:
        where.append("c.local_date <= %s")
        params.append(ops.adapt_datefield_value(filters.date_to))
    if filters.quadrant:
        where.append(QUADRANT_SQL[filters.quadrant.value])
    for value, condition in zip(
        (filters.word, filters.tag, filters.track, filters.artist), LINK_FILTERS, strict=True
    ):
        if value is not None:
            where.append(condition)
            params.append(value.pk)
    return where, params


# The columns of each JSON array in the statement, as `timeline.details()` names them.
DETAIL_KEYS = {
    "words_json": ("id", "name"),
    "tags_json": ("id", "name", "position"),
    "tracks_json": ("id", "title", "artist_id", "artist", "position", "link"),
    "heard_json": ("id", "title", "artist_id", "artist", "at"),
}


def _details(checkin: CheckIn) -> Details:
    lists = []
    for name, keys in DETAIL_KEYS.items():
        value = getattr(checkin, name)
        if isinstance(value, str):  # SQLite hands JSON back as text
            value = json.loads(value)
        rows = [dict(zip(keys, row, strict=True)) for row in value or ()]
        lists.append(sorted(rows, key=DETAIL_ORDER[name]))
    words, tags, tracks, heard = lists
    return Details(words, tags, tracks, only_heard(tracks, heard))


def page_rows(
    user: User, filters: Filters | None = None, cursor: str = "", limit: int = PAGE_SIZE + 1
) -> list[tuple[CheckIn, Details]]:
    """Up to `limit` of the user's check-ins, newest first, after `cursor`,
    each with its words, tags and songs."""
    where, params = filter_sql(filters) if filters else ([], [])
    if filters and filters.query:
        tokens = query_tokens(user.pk, filters.query)
        if not tokens:
            return []
        sql, found = matching_sql(tokens)
        where.append(f"c.id IN ({sql})")
        params.extend(found)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        felt_at, pk = position
        # As the ORM would send it (SQLite compares timestamps as text).
        stamp = connection.ops.adapt_datetimefield_value(felt_at)
        where.append("(c.felt_at < %s OR (c.felt_at = %s AND c.id < %s))")
        params.extend([stamp, stamp, pk])
    sql = _select(connection.vendor)
    if where:
        sql += " AND " + " AND ".join(where)
    sql += " ORDER BY c.felt_at DESC, c.id DESC LIMIT %s"
    return [(c, _details(c)) for c in CheckIn.objects.raw(sql, [user.pk, *params, limit])]


def rows_on_days(user: User, days: Sequence[dt.date]) -> list[tuple[CheckIn, Details]]:
    """The user's check-ins on the local `days`, oldest first, each with its
    words, tags and songs: the page statement again, so "On this day" is one
    plain query too (no ORM query built and compiled per request)."""
    if not days:
        return []
    marks = ", ".join(["%s"] * len(days))
    sql = f"{_select(connection.vendor)} AND c.local_date IN ({marks}) ORDER BY c.felt_at, c.id"
    adapt = connection.ops.adapt_datefield_value
    found = CheckIn.objects.raw(sql, [user.pk, *(adapt(day) for day in days)])
    return [(c, _details(c)) for c in found]


def timeline_page(
    user: User,
    filters: Filters | None = None,
    cursor: str = "",
    links: dict[str, str] | None = None,
    home_zone: str = "",
) -> Page:
    """One page of the timeline, newest first, after `cursor` (from the
    previous page), rendered."""
    links = links or filter_links("", QueryDict())
    rows = page_rows(user, filters, cursor)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    entries = [entry_for(c, found, links, home_zone or c.time_zone) for c, found in rows]
    next_cursor = encode_cursor(rows[-1][0]) if more and rows else None
    return Page(entries, next_cursor, render(entries))


def _chip(css: str, label: str, href: str, text: str) -> str:
    return (
        f'<li><a class="chip {css}" href="{escape(href)}" '
        f'aria-label="{label} {escape(text)}">{"# " if css == "tag" else ""}{escape(text)}</a></li>'
    )


def render_entry(entry: Entry) -> str:
    """One timeline entry as HTML (what templates/journal/history.html's loop was)."""
    checkin = entry.checkin
    quadrant = entry.quadrant
    label = escape(quadrant.label)
    stamp = timezone.localtime(checkin.felt_at).isoformat()
    parts = [
        f'<li class="entry q-{quadrant.value}">\n'
        f'      <article aria-labelledby="entry-{checkin.pk}">\n'
        f'        <h3 id="entry-{checkin.pk}" class="entry-time">\n'
        f'          <time datetime="{stamp}">{escape(entry.local_time)}</time>\n'
        "        </h3>\n"
        f'        <p class="entry-mood"><span class="quadrant-badge q-{quadrant.value}">'
        f'<span aria-hidden="true">{entry.shape}</span> {label}</span> '
        f'<span class="muted">{escape(checkin.mood.describe())}</span></p>\n'
    ]
    if entry.words or entry.tags:
        chips = [_chip("word", "Show check-ins with the word", w.href, w.text) for w in entry.words]
        chips += [_chip("tag", "Show check-ins tagged", t.href, t.text) for t in entry.tags]
        parts.append(
            '        <ul class="chips" role="list" aria-label="Words and tags">'
            + "".join(chips)
            + "</ul>\n"
        )
    if entry.songs:
        songs = "".join(
            f'<li><span aria-hidden="true">♪</span> <a href="{escape(song.href)}" '
            f'aria-label="Show check-ins with the song {escape(song.text)}">{escape(song.text)}</a>'
            f' by <a href="{escape(artist.href)}" aria-label="Show check-ins with music by '
            f'{escape(artist.text)}">{escape(artist.text)}</a></li>'
            for song, artist in entry.songs
        )
        parts.append(
            f'        <ul class="tracks" role="list" aria-label="Listening to">{songs}</ul>\n'
        )
    if entry.heard:
        heard = "; ".join(
            f'<a href="{escape(song.href)}">{escape(song.text)}</a> by {escape(artist.text)}'
            for song, artist in entry.heard
        )
        parts.append(
            '        <p class="heard small muted">Heard around then (the half hour before):\n'
            f"  {heard}\n</p>\n"
        )
    if entry.excerpt:
        parts.append(f'        <p class="note-excerpt" dir="auto">{escape(entry.excerpt)}</p>\n')
    entry_url = escape(entry.entry_url)
    parts.append(
        f'        <a class="open-entry" href="{entry_url}" hx-get="{entry_url}" '
        'hx-target="closest article" hx-swap="outerHTML">Open the whole entry'
        f'<span class="visually-hidden">, {escape(entry.local_time)}</span></a>\n'
    )
    parts.append("      </article>\n    </li>\n")
    return "".join(parts)


def render(entries: Sequence[Entry]) -> SafeString:
    # Every value above went through html.escape (quotes included) or is ours.
    return mark_safe("".join(render_entry(entry) for entry in entries))  # noqa: S308
