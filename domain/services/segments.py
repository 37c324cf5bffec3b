"""Segment use cases: what a filter reaches, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ports import UnitOfWork
from domain.segments import SegmentFilter, SegmentMember


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample: tuple[SegmentMember, ...]


async def preview_segment(
    uow: UnitOfWork, spec: SegmentFilter, now: datetime, sample_size: int
) -> SegmentPreview:
    """How many members a filter reaches right now, and the first few of them. Writes nothing."""
    count = await uow.segments.count(spec, now)
    sample = await uow.segments.sample(spec, now, sample_size) if sample_size and count else []
    return SegmentPreview(count=count, sample=tuple(sample))
