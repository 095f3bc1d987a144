"""What a request body's strings may hold: text a person typed, and the ids the API gave."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from gateway.params import ID_PATTERN, TEXT_PATTERN

#: Anything but the NUL character, which PostgreSQL cannot store: refused with 422.
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
BodyId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
