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


class AnalysisStillRunning(SinkError):
    """An analysis cannot start again while the interview's current one is still moving."""

    code = "analysis_still_running"
    user_message = (
        "This interview is still being analysed. Wait until it is completed or has failed, "
        "then ask for a new analysis."
    )


class NoRecordingToAnalyse(SinkError):
    """The interview has no stored recording (none uploaded yet, or it was deleted)."""

    code = "no_recording"
    user_message = (
        "There is no recording of this interview to analyse again: none was uploaded, or it has "
        "been deleted. Upload the recording again to have it analysed."
    )
