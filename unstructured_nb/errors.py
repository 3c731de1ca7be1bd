"""Every exception a user can meet, one type per failure they can act on, and the paragraph shown for any error.

``str(error)`` is always a single readable paragraph: what was attempted (method and
path), what the server said, and what to do next. No message, repr or attribute of
these exceptions ever holds the API key. :func:`user_message` is the one paragraph every
front end (magic, panel, terminal) shows for an exception, ours or not.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "ConfigurationError",
    "InputFileError",
    "JobAlreadyRunningError",
    "JobNotCompletedError",
    "LocalEngineError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "UnstructuredError",
    "ValidationError",
    "WaitInterrupted",
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

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the paragraph says what happened and what
        # to do, and no frame's locals (which could hold a request's headers) are printed.
        return [f"{type(self).__name__}: {self._paragraph()}"]


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


class ConfigurationError(UnstructuredError, ValueError):
    """A setting (the API URL, a timeout...) has a value that cannot work."""


class LocalEngineError(UnstructuredError):
    """The embedded local engine could not be started or reached."""


class WaitTimeoutError(UnstructuredError, TimeoutError):
    """``run.wait(timeout=...)`` (or ``--timeout``) gave up; the job itself is still running."""


class WaitInterrupted(KeyboardInterrupt):
    """Ctrl-C while waiting for a job (``run.wait()``): waiting stopped, the job did not.

    A ``KeyboardInterrupt``, so ``except Exception`` does not swallow it, and IPython shows
    its one paragraph instead of a traceback through threading internals.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        return [self.message]


class UsageError(UnstructuredError):
    """A magic or command was called wrongly (a missing argument, an unknown option, a bad value)."""


def user_message(exc: BaseException) -> str:
    """The one paragraph shown to a user for ``exc``: never a traceback, never the key.

    Our own errors already are that paragraph; anything else gets a short generic one
    naming the type. Exception texts from other libraries are not echoed, since they
    could quote request headers.
    """
    if isinstance(exc, UnstructuredError):
        return str(exc)
    if isinstance(exc, WaitInterrupted):
        return exc.message
    if isinstance(exc, KeyboardInterrupt):
        return "Interrupted."
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        name = getattr(exc, "filename", None)
        if name:
            reason = exc.strerror or type(exc).__name__
            return f"Cannot read {name!s}: {reason}. Check the path and its permissions."
        return f"A file could not be read ({type(exc).__name__}). Check the paths and their permissions."
    return (
        f"Something unexpected went wrong ({type(exc).__module__}.{type(exc).__name__}). "
        "Nothing you ran is lost: try again, and if it keeps happening, report it with the steps that led here."
    )
