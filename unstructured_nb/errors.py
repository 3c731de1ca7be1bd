"""One exception type per failure a user can act on.

``str(error)`` is always a single readable paragraph: what was attempted (method and
path), what the server said, and what to do next. No message, repr or attribute of
these exceptions ever holds the API key.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "InputFileError",
    "JobAlreadyRunningError",
    "JobNotCompletedError",
    "LocalEngineError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "UnstructuredError",
    "ValidationError",
    "WorkflowLookupError",
]


class UnstructuredError(Exception):
    """Base class of every error raised by unstructured_nb.

    Attributes (any may be None): ``method`` and ``path`` of the request, ``status_code``,
    ``detail`` (the server's ``detail``, as parsed JSON), ``hint`` (what the user can do).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        detail: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.method = method
        self.path = path
        self.status_code = status_code
        self.detail = detail
        self.hint = hint
        super().__init__(self._paragraph())

    def _paragraph(self) -> str:
        parts = [self.message.rstrip()]
        if self.hint:
            parts.append(self.hint.rstrip())
        return " ".join(p if p.endswith((".", "!", "?", ":")) else p + "." for p in parts if p)

    def __str__(self) -> str:  # always the paragraph, even if args were changed
        return self._paragraph()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._paragraph()!r})"


class AuthenticationError(UnstructuredError):
    """401/403: the API key is missing, wrong or not allowed to do this."""


class NotFoundError(UnstructuredError):
    """404: the workflow, job or file does not exist (or the URL is wrong)."""


class ValidationError(UnstructuredError):
    """422: the server rejected the request's ids, query or body."""


class RateLimitError(UnstructuredError):
    """429: too many requests; ``retry_after`` is the server's wait in seconds, if given."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(UnstructuredError):
    """5xx: the server failed; retrying later usually helps."""


class APIStatusError(UnstructuredError):
    """Any other unexpected HTTP status."""


class APIConnectionError(UnstructuredError):
    """The server could not be reached at all; the message names the URL."""


class APITimeoutError(APIConnectionError):
    """The server did not answer in time."""


class JobAlreadyRunningError(UnstructuredError):
    """The platform refused a run because a job of this workflow is still running."""


class InputFileError(UnstructuredError):
    """An input file is missing, unreadable or of an unusable kind; nothing was sent."""


class WorkflowLookupError(NotFoundError):
    """A workflow name matched no workflow, or more than one."""


class JobNotCompletedError(UnstructuredError):
    """Outputs were asked of a job that failed, was stopped, or has not finished."""


class LocalEngineError(UnstructuredError):
    """The embedded local engine could not be started or reached."""
