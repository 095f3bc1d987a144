"""``python -m gateway``: serve the API with uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from gateway.access_log import drop_query_strings
from gateway.main import create_app
from gateway.settings import Settings
from topics.tracing import configure_tracing


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    configure_tracing("interview-buddy-gateway")
    config = uvicorn.Config(create_app(settings), host=settings.gateway_host, port=settings.gateway_port)
    drop_query_strings()  # after uvicorn's Config has set its loggers up
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
