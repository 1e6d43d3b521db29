"""Issue 17's acceptance 1 and the period control: a Daylio journal from
2023–24 imported today shows its patterns for 2023 and for all time, and its
2023 calendar tells good days from bad ones."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from journal.imports.csvfile import read_layout
from journal.imports.daylio import daylio_mapping, import_daylio
from tests.journal.history_data import checkin
from tests.journal.import_files import DAYLIO_HEADER

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)
MOODS = ["rad", "good", "meh", "bad", "awful"]


def daylio_years(user: User) -> None:
    """199 entries over 2023–24: "friends" days are good, "work" days worse."""
    rng = random.Random(17)
    rows = [DAYLIO_HEADER]
    day = dt.date(2023, 1, 2)
    for _ in range(199):
        friends = rng.random() < 0.4
        mood = rng.choice(MOODS[:2] if friends else MOODS[2:])
        activities = " | ".join(["friends"] * friends + ["work"] * (not friends))
        rows.append(f"{day},{day:%B %d},{day:%A},20:00,{mood},{activities},,")
        day += dt.timedelta(days=3)
    data = ("\n".join(rows) + "\n").encode()
    layout = read_layout(io.BytesIO(data), "daylio.csv")
    mapping = daylio_mapping(layout.header, {}, "Europe/Berlin")
    result = import_daylio(user, io.BytesIO(data), mapping, file_name="daylio.csv")
    assert result.imported == 199


@time_machine.travel(NOW, tick=False)
def test_an_imported_journal_shows_its_patterns_for_its_year_and_all_time(
    alice: User, alice_client: Client
) -> None:
    daylio_years(alice)
    default = alice_client.get("/history/insights/").content.decode()
    assert "Patterns and insights: All time" in default  # the last 12 months are empty
    year = alice_client.get("/history/insights/?period=2023").content.decode()
    assert "Patterns and insights: 2023" in year
    assert "from 1 January 2023 to 31 December 2023" in year
    assert re.search(r"\((1[12]\d) days with a check-in\)", year)
    assert "On days you tagged “friends” your mood averaged" in year
    assert 'aria-current="page">2023</a>' in year
    assert 'href="/history/insights/summary/?period=2023"' in year
    assert 'href="/history/2023/review/"' in year
    assert 'hx-get="/history/insights/correlations/?period=2023"' in year
    all_time = alice_client.get("/history/insights/?period=all").content.decode()
    assert "(199 days with a check-in)" in all_time
    assert "On days you tagged “friends” your mood averaged" in all_time

    calendar = alice_client.get("/history/?year=2023").content.decode()
    tones = set(re.findall(r'<li class="day (t-[a-z0-9]+) estimated', calendar))
    assert {"t-pos2", "t-pos1", "t-neg1", "t-neg2"} <= tones  # good and bad days differ
    assert "In between" not in calendar.split("Each day shows its average mood:")[1].split(".")[0]


@time_machine.travel(NOW, tick=False)
def test_every_figure_follows_the_chosen_period(alice: User, alice_client: Client) -> None:
    checkin(alice, "2026-04-10 09:00", 3, 2)
    checkin(alice, "2025-06-01 09:00", -3, -2)
    last_30 = alice_client.get("/history/insights/?period=30d").content.decode()
    assert "(1 day with a check-in)" in last_30
    assert (
        "Across the last 30 days (1 check-in on 1 day), your pleasantness averaged +3.0" in last_30
    )
    custom = alice_client.get(
        "/history/insights/?period=custom&from=2025-05-01&to=2025-06-30"
    ).content.decode()
    assert "Patterns and insights: 1 May 2025 – 30 Jun 2025" in custom
    assert "your pleasantness averaged −3.0" in custom
    assert 'value="2025-05-01"' in custom  # the custom range stays in its form
    weeks = alice_client.get("/history/insights/?period=90d&scale=week").content.decode()
    assert 'aria-current="page">Weeks</a>' in weeks
    assert "chart-pleasantness-week" in weeks
    # A scale the period is too long for falls back to its natural one.
    months = alice_client.get("/history/insights/?period=all&scale=day").content.decode()
    assert "chart-pleasantness-month" in months or "chart-pleasantness-week" in months
    bad = alice_client.get("/history/insights/?period=custom&from=2025-02-30").content.decode()
    assert "Please give both dates of the range" in bad
