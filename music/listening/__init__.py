"""The ListenBrainz-compatible listening API: tokens, submissions, reading back.

Players and scrobblers that speak ListenBrainz (Navidrome, Jellyfin, Web
Scrobbler, Koel, multi-scrobbler, liblistenbrainz) send listens here as they
happen. The HTTP side is music/views/listen_api.py; docs/listening-api.md says
what is compatible and what was chosen.
"""
