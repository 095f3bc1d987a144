"""`python -m streams`: the Faust worker, with every agent of the interview flow, or the
group of agents that ``IB_AGENTS`` names (one agent per module, the module named after it)."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys

import faust

from streams.app import app, codec, settings
from streams.internal_topics import internal_topics
from topics.admin import catalog_topics, ensure_named_topics
from topics.log_format import configure_logging, dict_config
from topics.tracing import configure_tracing

AGENTS = (
    "transcribe_recording",
    "measure_speech",
    "pair_questions",
    "analyze_answers",
    "keep_prep_sessions",
    "track_state",
    "roll_up_analysis",
    "sink_read_model",
    "notify_user",
    "send_email",
)


def load_agents(names: tuple[str, ...] | None) -> None:
    """Import the agents' modules: importing one registers its agent and tables on the app."""
    unknown = sorted(set(names or ()) - set(AGENTS))
    if unknown:
        sys.exit(f"IB_AGENTS names unknown agents {unknown}; known: {', '.join(AGENTS)}")
    for name in names or AGENTS:
        importlib.import_module(f"streams.{name}")


def main() -> None:
    configure_logging(settings.log_format)
    # At DEBUG these log whole requests, answers included: never below WARNING here.
    for chatty in ("anthropic", "httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    load_agents(settings.agent_names)
    settings.table_dir.mkdir(parents=True, exist_ok=True)
    codec.warm_up()
    configure_tracing("interview-buddy-worker")
    # Topics come from the catalog, with the catalog's settings, and Faust's own topics (the
    # tables' changelogs, the leader topic) as Faust would make them, all before the consumer
    # group first joins: a changelog the group leader does not see yet is left unassigned (see
    # topics/admin.py), and a topic appearing later rebalances the group.
    wanted = catalog_topics(settings.topic_prefix) + internal_topics(app)
    asyncio.run(
        ensure_named_topics(
            settings.kafka_bootstrap,
            wanted,
            settings.kafka_replication_factor,
            client_options=settings.kafka_client_options(),
        )
    )
    # Faust's worker sets logging up again when it starts: the same handler, from its dict.
    worker = faust.Worker(app, loglevel="INFO", logging_config=dict_config(settings.log_format))
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
