"""The catalog's writers and readers are the agents and the code that exist, by their names."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.__main__ import AGENTS, load_agents
from streams.app import app, settings
from topics import catalog
from topics.catalog import ALL_TOPICS, DEAD_LETTER_TOPICS, TopicSpec

REPO = Path(__file__).resolve().parents[2]
#: Who reads or writes topics besides the worker's agents, and where their code is.
OTHER_PARTIES = {
    "gateway": [REPO / "gateway"],
    "ib ops": [REPO / "dev" / "operations.py", REPO / "dev" / "dead_letter_redrive.py"],
}
#: The catalog's name of each topic entry, as code refers to it (``INTERVIEW_UPLOADED``).
CONSTANTS = {value.name: name for name, value in vars(catalog).items() if isinstance(value, TopicSpec)}


def topics_read_by_agents() -> dict[str, set[str]]:
    load_agents(None)
    readers: dict[str, set[str]] = {}
    for agent in app.agents.values():
        for topic in agent.channel.topics:  # type: ignore[attr-defined]
            name = topic.removeprefix(settings.topic_prefix)
            readers.setdefault(name, set()).add(agent.name.rsplit(".", 1)[-1])
    return readers


def code_of(party: str) -> str:
    paths = OTHER_PARTIES.get(party, [REPO / "streams" / f"{party}.py"])
    files = [file for path in paths for file in (sorted(path.rglob("*.py")) if path.is_dir() else [path])]
    return "\n".join(file.read_text() for file in files)


def test_every_agent_is_named_after_its_module() -> None:
    load_agents(None)
    assert sorted(agent.name.rsplit(".", 1)[-1] for agent in app.agents.values()) == sorted(AGENTS)
    for module in AGENTS:
        assert f'AGENT = "{module}"' in code_of(module), module


def test_the_catalog_names_every_agent_that_reads_a_topic_and_only_those() -> None:
    readers = topics_read_by_agents()
    for spec in ALL_TOPICS:
        named = set(spec.consumers) - set(OTHER_PARTIES)
        assert named == readers.get(spec.name, set()), spec.name


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda spec: spec.name)
def test_each_named_writer_and_reader_refers_to_the_topic_in_its_code(spec: TopicSpec) -> None:
    if spec in DEAD_LETTER_TOPICS:
        # Written by whoever reads the source topic (streams/dead_letters.py); read by name.
        source = spec.name.removesuffix(".dlq")
        assert spec.producers == catalog.by_name(source).consumers
        assert "dead_letter_topic" in code_of("ib ops") and "DEAD_LETTER_TOPICS" in code_of("track_state")
        return
    for party in (*spec.producers, *spec.consumers):
        assert party in OTHER_PARTIES or party in AGENTS, f"{spec.name}: {party} is no agent of ours"
        assert CONSTANTS[spec.name] in code_of(party), f"{spec.name}: {party} never refers to it"


def test_an_agent_that_refers_to_a_topic_it_does_not_read_is_named_as_its_writer() -> None:
    readers = topics_read_by_agents()
    for agent in AGENTS:
        code = code_of(agent)
        for spec in catalog.TOPICS:
            if f"{CONSTANTS[spec.name]}," in code or f"{CONSTANTS[spec.name]})" in code:
                reads = agent in readers.get(spec.name, set())
                assert reads or agent in spec.producers, f"{agent} refers to {spec.name}"


def test_a_topic_without_writers_or_readers_says_why() -> None:
    for spec in ALL_TOPICS:
        if not spec.producers or not spec.consumers:
            assert spec.not_yet_used, spec.name
        else:
            assert not spec.not_yet_used, spec.name
