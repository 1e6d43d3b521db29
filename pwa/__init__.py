"""Attune as an installable web app: the manifest, the service worker and the
offline page. Nothing here reads or stores a person's data (see
docs/offline.md)."""
