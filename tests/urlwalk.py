"""Walk the URLconf: every route, with its full name and the kwargs it captures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "playlists/<int:pk>/"
    name: str | None  # full name with namespaces, e.g. "admin:index"
    kwargs: tuple[str, ...]  # captured kwarg names, outer resolvers first
    converters: dict[str, str]  # kwarg -> converter class name ("IntConverter", ...)

    @property
    def top(self) -> str:
        return self.route.split("/", 1)[0]


def _captured(pattern: object) -> tuple[list[str], dict[str, str]]:
    if isinstance(pattern, RoutePattern):
        names = list(pattern.converters)
        return names, {k: type(v).__name__ for k, v in pattern.converters.items()}
    regex = pattern.regex  # type: ignore[attr-defined]
    names = list(regex.groupindex)
    return names, dict.fromkeys(names, "regex")


def iter_routes(
    resolver: URLResolver | None = None,
    prefix: str = "",
    namespace: str = "",
    outer: tuple[list[str], dict[str, str]] = ([], {}),
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names, convs = _captured(entry.pattern)
        names = outer[0] + names
        convs = {**outer[1], **convs}
        if isinstance(entry, URLResolver):
            inner_ns = namespace
            if entry.namespace:
                inner_ns = f"{namespace}{entry.namespace}:"
            yield from iter_routes(entry, prefix + str(entry.pattern), inner_ns, (names, convs))
        elif isinstance(entry, URLPattern):
            yield Route(
                route=prefix + str(entry.pattern),
                name=f"{namespace}{entry.name}" if entry.name else None,
                kwargs=tuple(names),
                converters=convs,
            )
