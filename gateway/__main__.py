"""``python -m gateway``: serve the API with uvicorn."""

from __future__ import annotations

import uvicorn

from gateway.access_log import drop_query_strings
from gateway.main import create_app
from gateway.settings import Settings
from gateway.tracing import request_trace_ids
from topics.log_format import configure_logging, span_trace_ids
from topics.tracing import configure_tracing


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_format, trace_ids=(request_trace_ids, span_trace_ids))
    configure_tracing("interview-buddy-gateway")
    # log_config=None: uvicorn's own loggers (its access lines among them) go through the root
    # logger's handler set above, in the same format, with the request's trace id.
    config = uvicorn.Config(
        create_app(settings), host=settings.gateway_host, port=settings.gateway_port, log_config=None
    )
    drop_query_strings()  # after uvicorn's Config has set its loggers up
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
