"""Issue 18, every script: Arabic and Hebrew notes read right to left, with
their punctuation at the end of the sentence (on the left), and excerpts keep
their lines so a line in another script is not scrambled into its neighbour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from journal import checkins
from mood.values import Mood
from tests.e2e.conftest import Browsing, add_session_cookie, axe_check

ARABIC = "أشعر بالهدوء بعد الموسيقى."
HEBREW = "שלום, היה יום טוב!"
MIXED = f"{ARABIC}\nListened to Fairuz twice.\n{HEBREW}"

# The horizontal centre of a note's first and last characters, as drawn.
EDGES = """(el) => {
  const text = el.firstChild;
  const at = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
    const b = r.getBoundingClientRect(); return b.left + b.width / 2; };
  const line = text.textContent.split('\\n')[0];
  return {first: at(0), last: at(line.length - 1), rtl: el.matches(':dir(rtl)')};
}"""


def open_page(browsing: Browsing, user: User, path: str) -> Any:
    context, _ = browsing.new_context()
    add_session_cookie(context, browsing.base_url, user)
    browsing.never_store(ARABIC, HEBREW)
    page = context.new_page()
    page.goto(path)
    return page


def test_right_to_left_notes_read_correctly(browsing: Browsing, new_user: User) -> None:
    arabic = checkins.record_checkin(new_user, Mood(2, -1), note=ARABIC)
    checkins.record_checkin(new_user, Mood(1, 1), note=HEBREW)
    page = open_page(browsing, new_user, "/")

    for text in (ARABIC, HEBREW):
        note = page.locator("p.note", has_text=text)
        edges = note.evaluate(EDGES)
        assert edges["rtl"], f"{text!r} is laid out right to left"
        # The sentence starts on the right; its closing punctuation is on the left.
        assert edges["first"] > edges["last"], edges

    page.goto(f"/checkins/{arabic.pk}/")
    box = page.get_by_label("A note (what happened, what's on your mind)")
    expect(box).to_have_value(ARABIC)
    assert box.evaluate("(el) => el.matches(':dir(rtl)')")
    box.fill("Good day")
    assert box.evaluate("(el) => el.matches(':dir(ltr)')"), "a Latin note turns back to ltr"
    axe_check(page)


def test_excerpts_keep_each_line_in_its_own_direction(browsing: Browsing, new_user: User) -> None:
    checkins.record_checkin(
        new_user, Mood(-1, 2), timezone.now() - dt.timedelta(hours=2), note=MIXED
    )
    page = open_page(browsing, new_user, "/history/")
    excerpt = page.locator("p.note-excerpt", has_text="Fairuz")
    lines = excerpt.evaluate("(el) => el.innerText.split('\\n')")
    assert lines == [ARABIC, "Listened to Fairuz twice.", HEBREW]
    # Each line is its own paragraph for the bidi algorithm: the Arabic line
    # ends on the left, the English one starts on the left.
    spans = excerpt.evaluate(
        """(el) => {
          const text = el.firstChild.textContent;
          const rect = (from, to) => { const r = document.createRange();
            r.setStart(el.firstChild, from); r.setEnd(el.firstChild, to);
            return r.getBoundingClientRect(); };
          const a = text.indexOf('\\n'); const b = text.indexOf('\\n', a + 1);
          return {arabicFirst: rect(0, 1).left, arabicLast: rect(a - 1, a).left,
                  latinFirst: rect(a + 1, a + 2).left, latinLast: rect(b - 1, b).left};
        }"""
    )
    assert spans["arabicFirst"] > spans["arabicLast"], spans
    assert spans["latinFirst"] < spans["latinLast"], spans
    axe_check(page)
