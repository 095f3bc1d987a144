"""Writes ``monitoring/grafana/interview-buddy.json``, the operators' Grafana dashboard, from the
panels listed here: ``python -m dev.grafana_dashboard``. The JSON is committed (Grafana imports
it as is, or a provisioning folder serves it); tests/unit/test_monitoring.py fails when it
differs from what this writes or names a metric the code does not define."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DASHBOARD = Path(__file__).resolve().parents[1] / "monitoring" / "grafana" / "interview-buddy.json"

UPLOAD_TO_ANALYSIS = "ib_upload_to_analysis_seconds_bucket"
#: (title, unit, [(PromQL, legend)]); the rows come in this order, two panels a row.
PANELS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Gateway requests per second by route",
        "reqps",
        [('sum by (route) (rate(ib_http_requests_total{route!="unmatched"}[5m]))', "{{route}}")],
    ),
    (
        "Gateway P95 latency by route",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (le, route) (rate(ib_http_request_seconds_bucket[5m])))",
                "{{route}}",
            )
        ],
    ),
    (
        "Gateway server errors (share of answers)",
        "percentunit",
        [
            (
                'sum(rate(ib_http_requests_total{status=~"5.."}[5m]))'
                " / sum(rate(ib_http_requests_total[5m]))",
                "5xx",
            )
        ],
    ),
    (
        "Uploads: bytes received per second and completed per hour",
        "Bps",
        [
            ("sum(rate(ib_upload_bytes_total[5m]))", "bytes/s"),
            ("sum(increase(ib_uploads_completed_total[1h]))", "completed in the last hour"),
        ],
    ),
    (
        "Upload duration (creation to completion)",
        "s",
        [
            ("histogram_quantile(0.5, sum by (le) (rate(ib_upload_seconds_bucket[1h])))", "median"),
            ("histogram_quantile(0.95, sum by (le) (rate(ib_upload_seconds_bucket[1h])))", "P95"),
        ],
    ),
    (
        "Uploads per day",
        "short",
        [("sum(increase(ib_uploads_completed_total[1d]))", "uploads in the last 24 h")],
    ),
    (
        "Agent events per second by outcome",
        "ops",
        [("sum by (agent, outcome) (rate(ib_agent_events_total[5m]))", "{{agent}} {{outcome}}")],
    ),
    (
        "Agent P95 time per event",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (le, agent) (rate(ib_agent_event_seconds_bucket[5m])))",
                "{{agent}}",
            )
        ],
    ),
    (
        "Consumer lag by topic",
        "short",
        [("sum by (group, topic) (ib_consumer_lag)", "{{group}} {{topic}}")],
    ),
    (
        "Dead letters per topic (last hour)",
        "short",
        [("sum by (topic, agent) (increase(ib_dead_letters_total[1h]))", "{{topic}} ({{agent}})")],
    ),
    (
        "Analyses: success rate",
        "percentunit",
        [
            (
                'sum(increase(ib_interviews_finished_total{status="COMPLETED"}[1d]))'
                " / sum(increase(ib_interviews_finished_total[1d]))",
                "completed / finished, last 24 h",
            )
        ],
    ),
    (
        "Upload to analysis",
        "s",
        [
            (f"histogram_quantile({quantile}, sum by (le) (rate({UPLOAD_TO_ANALYSIS}[1h])))", name)
            for quantile, name in (("0.5", "median"), ("0.95", "P95"))
        ],
    ),
    (
        "Stuck interviews re-emitted",
        "short",
        [("sum by (stage) (increase(ib_stuck_interviews_reemitted_total[1h]))", "{{stage}}")],
    ),
]


def dashboard() -> dict[str, Any]:
    panels = []
    for index, (title, unit, targets) in enumerate(PANELS):
        panels.append(
            {
                "id": index + 1,
                "type": "timeseries",
                "title": title,
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
                "targets": [
                    {"refId": chr(ord("A") + number), "expr": expr, "legendFormat": legend}
                    for number, (expr, legend) in enumerate(targets)
                ],
            }
        )
    return {
        "title": "Interview Buddy",
        "uid": "interview-buddy",
        "description": "The gateway, the uploads, the agents, consumer lag and dead letters.",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "tags": ["interview-buddy"],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                }
            ]
        },
        "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2) + "\n"


def main() -> None:
    DASHBOARD.parent.mkdir(parents=True, exist_ok=True)
    DASHBOARD.write_text(render())
    print(f"wrote {DASHBOARD}")


if __name__ == "__main__":
    main()
