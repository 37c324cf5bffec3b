"""Printing comparisons as a table, and writing them as JSON."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.common import Comparison, Result


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _row(comparison: Comparison, result: Result, kind: str) -> list[str]:
    return [
        comparison.benchmark,
        comparison.database,
        f"{kind}: {result.name}",
        f"{result.requests}",
        f"{result.errors}",
        f"{result.throughput:,.0f}",
        f"{result.p50_ms:.2f}",
        f"{result.p95_ms:.2f}",
        f"{result.p99_ms:.2f}",
        _num(result.cpu_ms_per_op, ".3f"),
        " / ".join(
            f"{_num(value, '.0f')}%"
            for value in (result.work_cpu_percent, result.load_cpu_percent, result.rest_cpu_percent)
        ),
    ]


def print_comparisons(comparisons: list[Comparison], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"Benchmarks ({os.cpu_count()} CPUs, Python {platform.python_version()})")
    names = ("benchmark", "db", "side", "n", "errors", "per s", "p50 ms", "p95 ms", "p99 ms")
    for column in (*names, "CPU ms/op", "CPU work / load / rest"):
        table.add_column(column, justify="left" if column in ("benchmark", "db", "side") else "right")
    for comparison in comparisons:
        table.add_row(*_row(comparison, comparison.floor, "floor"))
        table.add_row(*_row(comparison, comparison.product, "product"))
        cpu_ratio = comparison.cpu_ratio
        table.add_row(
            "",
            "",
            "[bold]product vs floor[/bold]",
            "",
            "",
            f"[bold]{comparison.throughput_ratio:.1f}x[/bold]",
            f"{comparison.p50_ratio:.1f}x",
            "",
            "",
            "-" if cpu_ratio is None else f"[bold]{cpu_ratio:.1f}x[/bold]",
            "",
            end_section=True,
        )
    console.print(table)
    console.print(
        "product vs floor: floor/product throughput, product/floor p50, product/floor CPU per operation "
        "(each: how many times the product costs more than the bare stack).\n"
        "CPU work / load / rest, in % of one core: the process doing the measured work (the server; "
        "the bot) / the other one (the httpx load generator; the fake Bot API) / the rest of the "
        "machine (PostgreSQL, and anything else running: then the numbers are skewed).\n"
        "CPU ms/op: CPU time of the work process per operation. When load is near 100%, the floor is "
        "limited by the load generator and its throughput is a lower bound: compare CPU ms/op."
    )
    for comparison in comparisons:
        for result in (comparison.floor, comparison.product):
            if result.errors or "warning" in result.notes:
                console.print(
                    f"[red]{comparison.benchmark} {comparison.database} {result.name}: "
                    f"{result.errors} errors {result.notes.get('warning', '')}[/red]"
                )


def write_json(path: Path, comparisons: list[Comparison], settings: dict[str, Any]) -> None:
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": settings,
        "results": [comparison.as_dict() for comparison in comparisons],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
