"""What the health route returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class HealthPublic(BaseModel):
    status: Literal["ok", "unavailable"]
    kafka: str
    postgres: str
