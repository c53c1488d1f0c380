"""The whole URLconf as concrete URLs: every pattern, path parameters filled with real ids.

Shared by the URLconf walk and the CSRF test. Parameters come from the permission matrix's
rows (tests/test_permission_matrix.py), which already build a real object for every URL with
an id; the admin's patterns, which the matrix leaves out, are filled here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import Row, World


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the full route, prefixes joined
    has_params: bool

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def all_patterns(resolver: URLResolver | None = None, ns: str = "", prefix: str = ""):
    """Every pattern of the project, the admin's included (the matrix exempts it)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            yield from all_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            has_params = bool(pattern.pattern.regex.groupindex) or "(?P" in route
            name = f"{ns}{pattern.name}" if pattern.name else route
            yield Pattern(name=name, route=route, has_params=has_params)


def _rows_by_name(matrix: list[Row]) -> dict[str, Row]:
    """For each URL name one matrix row, preferring the actor's own family as the target."""
    chosen: dict[str, Row] = {}
    for row in matrix:
        for name in (row.url_name, *row.extra_names):
            current = chosen.get(name)
            if current is None or (row.target == "own" and current.target != "own"):
                chosen[name] = row
    return chosen


def _admin_path(route: str) -> str:
    """An admin route with its parameters filled: a real object where the model has one."""
    projekt_model = apps.get_model("kerne", "Projekt")
    values = {
        "content_type_id": str(ContentType.objects.get_for_model(projekt_model).pk),
        "object_id": str(projekt_model.objects.order_by("pk").values_list("pk", flat=True)[0]),
    }
    match = re.match(r"admin/(\w+)/(\w+)/<", route)
    if match:
        first = apps.get_model(match.group(1), match.group(2))._default_manager.order_by("pk")
        values["object_id"] = str(first.values_list("pk", flat=True).first() or 1)
    route = re.sub(r"\^\(\?P<app_label>([a-z_]+)\|?[^)]*\)/\$", r"\1/", route)
    route = route.replace("(?P<url>.*)$", "no-such-page/")
    route = re.sub(
        r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), values["object_id"]), route
    )
    assert "<" not in route, f"cannot fill {route}"
    assert "(" not in route, f"cannot fill {route}"
    return "/" + route


def _url_for(pattern: Pattern, world: World, rows: dict[str, Row]) -> str:
    if pattern.is_admin:
        return _admin_path(pattern.route)
    if pattern.name == "api:not-found":
        return "/api/v1/no-such-thing/"
    if not pattern.has_params:
        return reverse(pattern.name)
    row = rows.get(pattern.name)
    assert row is not None, f"{pattern.name}: a URL with parameters needs a matrix row"
    assert row.kwargs, f"{pattern.name}: its matrix row must fill the parameters"
    return reverse(pattern.name, kwargs=row.kwargs(world, row.target))


@contextmanager
def _isolated(world: World):
    """The objects one URL needs live only while it is tested: the rows' builders assume a
    world of their own, and two apps' builders would collide in one."""
    saved = dict(world.__dict__)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        world.__dict__.clear()
        world.__dict__.update(saved)


def each_url(world: World, matrix: list[Row]) -> Iterator[tuple[Pattern, str, Row | None]]:
    """Every pattern of the URLconf with one URL that reaches it, ids of real objects filled in.

    The objects exist while the caller handles the pair and are rolled back after. A pattern
    with parameters and no matrix row fails here (the matrix test fails on it too), so a new
    URL cannot escape the walk.
    """
    rows = _rows_by_name(matrix)
    for pattern in sorted(all_patterns(), key=lambda p: p.name):
        with _isolated(world):
            yield pattern, _url_for(pattern, world, rows), rows.get(pattern.name)
