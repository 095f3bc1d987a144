"""What the stack raises when it cannot do what it was asked."""

from __future__ import annotations

from topics.errors import InterviewBuddyError


class StackError(InterviewBuddyError):
    """The local stack could not be started, checked or stopped; the message says what to do."""

    code = "stack_error"
    user_message = "The local stack could not be started."
