"""How the browser signs in (``GET /auth/config``), and what the dev sign-in takes and returns
(local development only)."""

from __future__ import annotations

from typing import Annotated, Literal

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


class FirebaseWebConfig(BaseModel):
    """What the Firebase JS SDK needs to sign a user in (all of it public: it is in every page
    of a Firebase web app)."""

    api_key: str = Field(description="The Firebase project's Web API key.")
    auth_domain: str
    project_id: str
    emulator_url: str | None = Field(
        description="The Firebase Auth emulator the SDK must use instead of Google (local stack only)."
    )


class SignInConfig(BaseModel):
    mode: Literal["dev", "firebase"] = Field(
        description="`dev`: sign in with a user name (`POST /auth/dev-token`); `firebase`: through Firebase."
    )
    firebase: FirebaseWebConfig | None = Field(description="Set in `firebase` mode.")
