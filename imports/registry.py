"""The kinds of import Attune knows, registered by the apps that own the data.

This module imports nothing of Attune's: ``music`` and ``journal`` register
their kinds from ``AppConfig.ready()``, and the pipeline (imports/jobs.py)
looks them up by the job's ``kind``.

A kind's ``run(job, stream, report)`` gets the ``ImportJob``, the stored file
opened ``rb`` and the job's ``ImportReport`` (imports/report.py); it raises
``ImportFormatError("...")`` when the file is not what it claims (the message is
shown to the person). ``sniff(head, file_name)`` gets the first 64 KiB and
returns None when the file looks right, else a message; a kind whose stored
file is not the upload as sent (the sealed archive) has no sniff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO


class ImportFormatError(ValueError):
    """The file is not what its kind reads. The message is shown to the user."""


@dataclass(frozen=True)
class Kind:
    kind: str
    label: str
    # run(job: ImportJob, stream, report: ImportReport); typed loosely so this
    # module stays below the model and the report.
    run: Callable[[Any, BinaryIO, Any], None]
    sniff: Callable[[bytes, str], str | None] | None = None
    section: str = "music"
    accept: str = ""
    help: str = ""
    # Where to look once the import is done (a URL name) and the link's words.
    done_url: str = "music:music_library"
    done_label: str = "See your music"
    # Where a person starts another import of this kind (a URL name).
    again_url: str = "music:music_import"
    # The sentence a finished job shows; the report's own summary if None.
    summarize: Callable[[Any], str] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.kind] = kind
    return kind


def kinds_for(section: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.section == section]
