"""Reminders that fit: times of day (or "some time between"), quiet hours, and
where they go - Web Push, email, any Apprise URL - plus an optional nudge
after a long listening session. See docs/reminders.md."""
