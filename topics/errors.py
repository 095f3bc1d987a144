"""The project's error root, and the contract layer's own kinds.

Every package raises subclasses of :class:`InterviewBuddyError`; the gateway maps them to
HTTP answers in one place. ``user_message`` is written for the person who uploaded the
recording: what happened and what to do.
"""

from __future__ import annotations


class InterviewBuddyError(Exception):
    """Root of every error the project raises on purpose."""

    code = "internal_error"
    user_message = "Something went wrong on our side. Please try again later."

    def __init__(self, message: str = "", *, user_message: str | None = None) -> None:
        super().__init__(message or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class ContractError(InterviewBuddyError):
    """A topic or schema is used in a way the contracts do not allow."""

    code = "contract_error"


class SerializationError(InterviewBuddyError):
    """A value could not be encoded to, or decoded from, its Avro schema."""

    code = "serialization_error"
    user_message = "A message in the pipeline could not be read."


class UnknownSchemaError(SerializationError):
    """A record names a schema id that neither the id table nor the registry knows."""

    code = "unknown_schema"


class SchemaRegistryError(InterviewBuddyError):
    """The schema registry refused a request, or did not answer.

    Not a :class:`SerializationError`: a registry that is away says nothing about the message,
    so a consumer retries it instead of dead-lettering it. ``status`` and ``error_code`` are the
    registry's HTTP status and Confluent error code when it answered (409 = incompatible schema).
    """

    code = "schema_registry_error"
    user_message = "Our message schemas cannot be checked right now. Please try again in a few minutes."

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        error_code: int | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.status = status
        self.error_code = error_code
