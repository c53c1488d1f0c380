"""Benchmarks: run by `make bench` against PostgreSQL, never part of `make test`."""

import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "perf"


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.postgres)


def machine() -> str:
    cpu = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return (
        f"{platform.node()}: {cpu} cores, {int(memory) // 1024 // 1024} GiB, {platform.platform()}"
    )


def write_result(name: str, rows: list[dict], notes: str = "") -> None:
    """Write one benchmark's figures as JSON and a markdown table in docs/perf/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    payload = {
        "benchmark": name,
        "date": stamp,
        "machine": machine(),
        "database": connection.vendor,
        "results": rows,
        "notes": notes,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
    header = list(rows[0]) if rows else []
    lines = [
        f"# {name}",
        "",
        f"{stamp} on {payload['machine']} ({connection.vendor}).",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(str(row[h]) for h in header) + " |" for row in rows),
        "",
        notes,
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
