"""Typed, immutable results of the Workflow API: jobs, workflows and their parts.

Every model is a frozen dataclass whose fields carry the API's own names. ``from_api``
parses a JSON object leniently (unknown fields are kept in ``extra``, an unknown status
string becomes an ad-hoc ``JobStatus`` rather than an error) and ``to_api`` gives back
the JSON object the platform would send, which the local engine uses to answer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from .times import format_datetime, format_duration, parse_datetime, parse_duration

__all__ = [
    "FailedFile",
    "Job",
    "JobDetails",
    "JobProcessingStatus",
    "JobStatus",
    "NodeFile",
    "NodeStats",
    "Workflow",
    "WorkflowNode",
    "format_datetime",
    "format_duration",
    "parse_datetime",
    "parse_duration",
]


class _OpenStrEnum(str, enum.Enum):
    """A string enum that accepts values it does not know (forward compatibility).

    ``JobStatus("PAUSED")`` returns a pseudo-member whose ``name`` and ``value`` are
    ``"PAUSED"``; it compares equal to the string and is never terminal.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        upper = value.upper()
        for member in cls:
            if member.value == upper:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo

    def __str__(self) -> str:
        return str(self.value)

    @property
    def known(self) -> bool:
        """False for a status string this version of the package does not know."""
        return self._name_ in type(self).__members__


class JobStatus(_OpenStrEnum):
    """A job's status. COMPLETED, STOPPED and FAILED are terminal."""

    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    STOPPED = "STOPPED"
    FAILED = "FAILED"

    @property
    def is_terminal(self) -> bool:
        return self.value in _TERMINAL


_TERMINAL = frozenset({"COMPLETED", "STOPPED", "FAILED"})


class JobProcessingStatus(_OpenStrEnum):
    """The ``processing_status`` of a job's details."""

    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    COMPLETED_WITH_ERRORS = "COMPLETED_WITH_ERRORS"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


# --- parsing machinery ---------------------------------------------------------------

M = TypeVar("M", bound="_Model")


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _str_tuple(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(str(v) for v in value)


class _Model:
    """Shared ``from_api``/``to_api`` for the dataclasses below."""

    extra: Mapping[str, Any]

    @classmethod
    def _known(cls) -> set[str]:
        return {f.name for f in fields(cls) if f.name != "extra"}  # type: ignore[arg-type]  # every subclass is a dataclass

    @classmethod
    def _extra(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        known = cls._known()
        return {k: v for k, v in data.items() if k not in known}

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            if f.name == "extra":
                continue
            out[f.name] = _to_json(getattr(self, f.name))
        for k, v in self.extra.items():
            out.setdefault(k, v)
        return out


def _to_json(value: Any) -> Any:
    if isinstance(value, _Model):
        return value.to_api()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    return value


def _require(cls: type, data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} expects a JSON object, got {type(data).__name__}")
    return data


# --- models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeFile(_Model):
    """One output file of one workflow node (``output_node_files`` entry)."""

    node_id: str
    file_id: str
    node_type: str | None = None
    node_subtype: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> NodeFile:
        data = _require(cls, data)
        return cls(
            node_id=str(data.get("node_id", "")),
            file_id=str(data.get("file_id", "")),
            node_type=_str_or_none(data.get("node_type")),
            node_subtype=_str_or_none(data.get("node_subtype")),
            extra=cls._extra(data),
        )


@dataclass(frozen=True)
class Job(_Model):
    """A workflow job (the API's ``JobInformation``)."""

    id: str
    workflow_id: str
    workflow_name: str
    status: JobStatus
    created_at: datetime | None = None
    runtime: str | None = None
    input_file_ids: tuple[str, ...] = ()
    output_node_files: tuple[NodeFile, ...] = ()
    job_type: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Job:
        data = _require(cls, data)
        return cls(
            id=str(data.get("id", "")),
            workflow_id=str(data.get("workflow_id") or ""),
            workflow_name=str(data.get("workflow_name") or ""),
            status=JobStatus(str(data.get("status") or "SCHEDULED")),
            created_at=parse_datetime(data.get("created_at")),
            runtime=_str_or_none(data.get("runtime")),
            input_file_ids=_str_tuple(data.get("input_file_ids")),
            output_node_files=tuple(NodeFile.from_api(n) for n in data.get("output_node_files") or ()),
            job_type=_str_or_none(data.get("job_type")),
            extra=cls._extra(data),
        )

    @property
    def done(self) -> bool:
        return self.status.is_terminal

    @property
    def runtime_seconds(self) -> float | None:
        return parse_duration(self.runtime)


@dataclass(frozen=True)
class WorkflowNode(_Model):
    """One node of a workflow DAG (partitioner, chunker, ...)."""

    name: str
    type: str
    subtype: str
    id: str | None = None
    settings: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> WorkflowNode:
        data = _require(cls, data)
        settings = data.get("settings")
        return cls(
            name=str(data.get("name") or data.get("type") or ""),
            type=str(data.get("type") or ""),
            subtype=str(data.get("subtype") or ""),
            id=_str_or_none(data.get("id")),
            settings=dict(settings) if isinstance(settings, Mapping) else None,
            extra=cls._extra(data),
        )


@dataclass(frozen=True)
class Workflow(_Model):
    """A workflow (the API's ``WorkflowInformation``)."""

    id: str
    name: str
    sources: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    status: str = "active"
    workflow_nodes: tuple[WorkflowNode, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    workflow_type: str | None = None
    schedule: Mapping[str, Any] | None = None
    reprocess_all: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Workflow:
        data = _require(cls, data)
        schedule = data.get("schedule")
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name") or ""),
            sources=_str_tuple(data.get("sources")),
            destinations=_str_tuple(data.get("destinations")),
            status=str(data.get("status") or "active"),
            workflow_nodes=tuple(WorkflowNode.from_api(n) for n in data.get("workflow_nodes") or ()),
            created_at=parse_datetime(data.get("created_at")),
            updated_at=parse_datetime(data.get("updated_at")),
            workflow_type=_str_or_none(data.get("workflow_type")),
            schedule=dict(schedule) if isinstance(schedule, Mapping) else None,
            reprocess_all=bool(data.get("reprocess_all") or False),
            extra=cls._extra(data),
        )


@dataclass(frozen=True)
class NodeStats(_Model):
    """Per-node file counts of a job (the API's ``JobNodeDetails``)."""

    node_name: str | None = None
    node_type: str | None = None
    node_subtype: str | None = None
    ready: int = 0
    in_progress: int = 0
    success: int = 0
    failure: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> NodeStats:
        data = _require(cls, data)
        return cls(
            node_name=_str_or_none(data.get("node_name")),
            node_type=_str_or_none(data.get("node_type")),
            node_subtype=_str_or_none(data.get("node_subtype")),
            ready=int(data.get("ready") or 0),
            in_progress=int(data.get("in_progress") or 0),
            success=int(data.get("success") or 0),
            failure=int(data.get("failure") or 0),
            extra=cls._extra(data),
        )


@dataclass(frozen=True)
class JobDetails(_Model):
    """A job's processing status, per-node counts and message."""

    id: str
    processing_status: JobProcessingStatus
    node_stats: tuple[NodeStats, ...] = ()
    message: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> JobDetails:
        data = _require(cls, data)
        return cls(
            id=str(data.get("id", "")),
            processing_status=JobProcessingStatus(str(data.get("processing_status") or "SCHEDULED")),
            node_stats=tuple(NodeStats.from_api(n) for n in data.get("node_stats") or ()),
            message=_str_or_none(data.get("message")),
            extra=cls._extra(data),
        )


@dataclass(frozen=True)
class FailedFile(_Model):
    """A file a job could not process, with the reason."""

    document: str
    error: str
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> FailedFile:
        data = _require(cls, data)
        return cls(
            document=str(data.get("document") or ""),
            error=str(data.get("error") or ""),
            extra=cls._extra(data),
        )
