"""What the dev sign-in takes and returns (local development only)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: A user id a person can type: letters, digits, ``.``, ``_``, ``-`` and ``@``.
USER_NAME_PATTERN = r"^[A-Za-z0-9._@-]{1,64}$"

UserName = Annotated[str, StringConstraints(pattern=USER_NAME_PATTERN)]


class DevTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_name: UserName = Field(
        description="Who to sign in as (1 to 64 letters, digits, `.`, `_`, `-` or `@`): the token's user id."
    )


class DevTokenPublic(BaseModel):
    token: str = Field(description="A bearer token of the dev issuer: send it as `Authorization: Bearer`.")
    user_id: str
    expires_in: int = Field(description="Seconds until the token expires; sign in again then.")
