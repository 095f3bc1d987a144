"""Errors raised by the sinks: the read model and the blob stores."""

from __future__ import annotations

from topics.errors import InterviewBuddyError


class SinkError(InterviewBuddyError):
    """Root of the sinks' errors."""

    code = "sink_error"


class ReadModelUnavailable(SinkError):
    """PostgreSQL could not be reached or refused the work."""

    code = "database_unavailable"
    user_message = "Our database is not reachable right now. Please try again in a minute."


class BlobStoreError(SinkError):
    """A recording could not be written, read or deleted."""

    code = "blob_store_error"
    user_message = "The recording could not be stored. Please try again."


class BlobNotFound(BlobStoreError):
    code = "blob_not_found"
    user_message = "The recording is no longer stored."
