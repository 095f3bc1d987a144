"""`python -m streams`: the Faust worker, with every agent of the interview flow."""

from __future__ import annotations

import asyncio
import logging

import faust

from streams import measure_speech, roll_up_analysis, sink_read_model, track_state, transcribe_recording
from streams.app import app, settings
from topics.admin import ensure_topics

AGENT_MODULES = (transcribe_recording, measure_speech, track_state, roll_up_analysis, sink_read_model)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.table_dir.mkdir(parents=True, exist_ok=True)
    # Topics come from the catalog, with the catalog's settings, before any agent subscribes.
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.topic_prefix))
    worker = faust.Worker(app, loglevel="INFO")
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
