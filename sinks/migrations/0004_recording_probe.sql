-- What the gateway's probe of a completed upload found (PyAV): null when the container could
-- not be opened, the worker reporting the precise reason later.
ALTER TABLE interviews
    ADD COLUMN duration_seconds double precision,
    ADD COLUMN has_audio        boolean;
