"""The weekly reflection: what a person's past local week held, which
playlists might help next, and one music-therapy exercise made personal.

By job, in the order the code depends on each other:

* `weeks`       local Monday-to-Sunday weeks and their UTC bounds
* `content`     the stored content as a typed, versioned object
* `stats`       the week's figures, set-based SQL for a chunk of user-weeks
* `rules`       what to suggest, and when to show care resources
* `exercises`   the music-therapy exercise and its wording
* `build`       building and storing the content once (saves the playlists)
* `unsubscribe` signed unsubscribe links (a registry of purposes)
* `context`     what the page and the email show
* `emails`      the reflection email
* `delivery`    sending exactly once (the claim, the commit point)
* `schedule`    the dispatcher: whose reflection is due

Reminders are the reminders app's (docs/reminders.md); a reminder email's
unsubscribe link is registered here by reminders (RemindersConfig.ready).
"""
