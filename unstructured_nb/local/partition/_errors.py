"""The one exception a partitioner lets escape: a file the local engine cannot process."""

from __future__ import annotations


class FileProcessingError(Exception):
    """A file could not be partitioned; ``str(err)`` is the user-facing reason.

    The worker records the message verbatim in the job's failed-files list, so it names the
    file, says what is wrong and what to do, in one sentence or two, without a traceback.
    """
