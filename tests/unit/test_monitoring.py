"""The operators' Grafana dashboard and Prometheus alerting rules (``monitoring/``) are valid PromQL
(Prometheus' grammar, through promql-parser) asking only for metrics the code defines, and the
committed dashboard is the one ``dev/grafana_dashboard.py`` writes."""

from __future__ import annotations

import re
from pathlib import Path

import promql_parser
import pytest
import yaml

from dev import grafana_dashboard

REPO = Path(__file__).resolve().parents[2]
ALERTS = REPO / "monitoring" / "alerts.yaml"
#: Where metrics are defined: a Counter, Histogram, Gauge or a collector's metric family.
DEFINED = re.compile(r'(?:Counter|Histogram|Gauge|GaugeMetricFamily)\(\s*"(ib_[a-z_]+)"')
ASKED = re.compile(r"\b(ib_[a-z_]+)")
HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")


def defined_metrics() -> set[str]:
    names: set[str] = set()
    for package in ("gateway", "streams", "sinks", "analysis"):
        for source in (REPO / package).rglob("*.py"):
            names |= set(DEFINED.findall(source.read_text()))
    return names


def asked(expression: str) -> set[str]:
    names = set()
    for name in ASKED.findall(expression):
        for suffix in HISTOGRAM_SERIES:
            name = name.removesuffix(suffix)
        names.add(name)
    return names


def test_the_code_defines_the_metrics_the_dashboards_rely_on() -> None:
    defined = defined_metrics()
    assert {
        "ib_http_requests_total",
        "ib_agent_events_total",
        "ib_consumer_lag",
        "ib_dead_letters_total",
    } <= defined


def test_every_dashboard_panel_asks_for_defined_metrics() -> None:
    defined = defined_metrics()
    for title, _unit, targets in grafana_dashboard.PANELS:
        for expression, _legend in targets:
            promql_parser.parse(expression)  # raises on what Prometheus would refuse
            assert asked(expression), f"{title}: {expression} asks for no metric of ours"
            assert asked(expression) <= defined, (
                f"{title}: {sorted(asked(expression) - defined)} are not defined"
            )


def test_the_committed_dashboard_is_the_generated_one() -> None:
    assert grafana_dashboard.DASHBOARD.read_text() == grafana_dashboard.render(), (
        "run `python -m dev.grafana_dashboard` and commit monitoring/grafana/interview-buddy.json"
    )


def test_every_alert_rule_is_complete_and_asks_for_defined_metrics() -> None:
    defined = defined_metrics()
    rules = [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]
    assert {rule["alert"] for rule in rules} >= {"DeadLetters", "ConsumerLagGrowing", "InterviewsStuck"}
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in ("page", "warn") and rule["annotations"]["summary"]
        assert asked(rule["expr"]) and asked(rule["expr"]) <= defined, rule["alert"]
        promql_parser.parse(rule["expr"])


def test_an_expression_prometheus_would_refuse_is_caught() -> None:
    with pytest.raises(ValueError, match="unclosed left parenthesis"):
        promql_parser.parse("sum(rate(ib_dead_letters_total[10m])")
