"""The correlations engine on fixed data with known answers (no database)."""

from __future__ import annotations

import datetime as dt
import random

from journal.correlations import (
    Candidate,
    Lag,
    benjamini_hochberg,
    compare,
    median_split,
    next_day_moods,
    sentence,
)

START = dt.date(2024, 1, 1)


def days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def noisy_moods(n: int, seed: int) -> dict[dt.date, float]:
    rng = random.Random(seed)
    return {day: rng.choice([-3, -2, -1, 0, 1, 2, 3]) + rng.choice([0, 0.5]) for day in days(n)}


def test_it_computes_the_difference_with_and_without_exactly() -> None:
    moods = {day: (2.0 if i % 3 == 0 else -1.0) for i, day in enumerate(days(60))}
    tagged = frozenset(day for i, day in enumerate(days(60)) if i % 3 == 0)
    report = compare(moods, [Candidate("tag", "1", "walk", tagged)], lags=[Lag.SAME_DAY])
    [finding] = report.findings
    assert (finding.with_days, finding.without_days) == (20, 40)
    assert (finding.with_mean, finding.without_mean, finding.difference) == (2.0, -1.0, 3.0)
    assert finding.claimed
    # No shuffle of these days puts all twenty 2.0 days on one side by chance.
    assert finding.p_value == 1 / 1001
    assert sentence(finding).startswith(
        "On days tagged “walk”, your mood averaged 3.0 higher than on days without it "
        "(20 days against 40). Chance alone would give a difference this large less than "
        "1 time in 1,000. It is a pattern"
    )


def test_it_finds_a_tag_that_moves_the_next_days_mood_and_not_the_same_day() -> None:
    rng = random.Random(3)
    moods = noisy_moods(240, seed=4)
    ran = frozenset(day for day in days(240) if rng.random() < 0.3)
    # The day after a run is 2 points more pleasant; the run day itself is not.
    for day in ran:
        after = day + dt.timedelta(days=1)
        if after in moods and after not in ran:
            moods[after] += 2
    report = compare(moods, [Candidate("tag", "7", "ran", ran)])
    by_lag = {f.lag: f for f in report.findings}
    next_day = by_lag[Lag.NEXT_DAY]
    assert next_day.claimed and next_day.difference > 0.8
    assert next_day.p_value <= 0.002
    assert sentence(next_day).startswith("The day after days tagged “ran”, your mood averaged")
    assert not by_lag[Lag.SAME_DAY].claimed


def test_it_claims_no_random_tag() -> None:
    moods = noisy_moods(365, seed=11)
    rng = random.Random(12)
    candidates = [
        Candidate("tag", str(i), f"random {i}", frozenset(d for d in moods if rng.random() < 0.3))
        for i in range(25)
    ]
    report = compare(moods, candidates)
    assert len(report.findings) == 50
    assert report.claimed == []
    unclaimed = report.findings[0]
    assert "so this could be chance" in sentence(unclaimed)
    assert unclaimed.chance_margin > 0


def test_it_gives_the_same_answer_every_time_whatever_the_order() -> None:
    moods = noisy_moods(120, seed=5)
    rng = random.Random(6)
    candidates = [
        Candidate("word", str(i), f"w{i}", frozenset(d for d in moods if rng.random() < 0.4))
        for i in range(6)
    ]
    first = compare(moods, candidates)
    again = compare(moods, list(reversed(candidates)))
    assert sorted(first.findings, key=lambda f: (f.key, f.lag)) == sorted(
        again.findings, key=lambda f: (f.key, f.lag)
    )


def test_it_hides_claims_below_the_minimum_sample() -> None:
    moods = {day: (3.0 if i < 9 else -3.0) for i, day in enumerate(days(40))}
    rare = frozenset(days(40)[:9])  # a huge difference, but on nine days only
    report = compare(moods, [Candidate("tag", "1", "rare", rare)], lags=[Lag.SAME_DAY])
    assert report.findings == []
    [skipped] = report.skipped
    assert (skipped.name, skipped.with_days, skipped.without_days) == ("rare", 9, 31)


def test_it_splits_a_numeric_attribute_at_its_median_among_recorded_days() -> None:
    all_days = days(60)
    moods = {day: 0.0 for day in all_days}
    sleep = {day: (8.0 if i % 2 else 6.0) for i, day in enumerate(all_days[:40])}
    for day, hours in sleep.items():
        moods[day] = 1.5 if hours > 7 else -0.5
    split = median_split(sleep, moods)
    assert split is not None
    above, recorded, middle = split
    assert middle == 7.0 and len(above) == 20 and len(recorded) == 40
    candidate = Candidate(
        "attribute",
        "sleep_hours",
        "hours slept",
        above,
        recorded,
        with_label="days you slept more than 7 hours",
        without_label="days with 7 hours or less",
    )
    [finding] = compare(moods, [candidate], lags=[Lag.SAME_DAY]).findings
    # The 20 days without a sleep figure are in neither group.
    assert (finding.with_days, finding.without_days, finding.difference) == (20, 20, 2.0)
    assert sentence(finding).startswith(
        "On days you slept more than 7 hours, your mood averaged 2.0 higher than on days "
        "with 7 hours or less"
    )
    assert median_split({day: 7.0 for day in all_days}, moods) is None


def test_next_day_pairs_only_consecutive_days_with_a_mood() -> None:
    d = days(5)
    moods = {d[0]: 1.0, d[1]: 2.0, d[3]: -1.0, d[4]: 0.0}
    assert next_day_moods(moods) == {d[0]: 2.0, d[3]: 0.0}


def test_benjamini_hochberg_keeps_the_ranked_cut() -> None:
    assert benjamini_hochberg([0.001, 0.02, 0.04, 0.3], rate=0.05) == [True, True, False, False]
    assert benjamini_hochberg([0.04, 0.04], rate=0.05) == [True, True]
    assert benjamini_hochberg([0.2, 0.04, 0.5], rate=0.05) == [False, False, False]
    assert benjamini_hochberg([]) == []
