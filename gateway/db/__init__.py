"""What only the gateway asks of PostgreSQL, one module of queries per concern (tus uploads, prep
sessions, stuck interviews, erasure, user settings), each over the read model's connection pool.
The read model itself (:mod:`sinks.read_model`) is where the worker's events land."""
