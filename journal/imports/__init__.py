"""Importing mood journals kept in other apps (Daylio, and any CSV through a
column mapping). See docs/journal-imports.md for the rules."""
