"""Where the benchmarks find the stack's Kafka and PostgreSQL: the ``IB_*`` variables the stack's
own processes read, else the local stack's defaults."""

from __future__ import annotations

import os

BOOTSTRAP = os.environ.get("IB_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
DATABASE_URL = os.environ.get(
    "IB_DATABASE_URL", "postgresql://interview_buddy:interview_buddy@127.0.0.1:5433/interview_buddy"
)
