"""Lighthouse's performance and accessibility scores of the web app's dashboard and analysis
page, signed in, in Debian's Chromium, on the local stack.

    python -m bench.web_lighthouse [--preset mobile|desktop|both] [--runs N]

A worker and a gateway of their own (real Kafka and PostgreSQL) serve the built app
(``make web``); a dev user gets one synthesized interview analysed end to end (``ib analyze``)
and nine more interviews in the list; then Lighthouse 12 (npm, installed into
``bench/lighthouse/`` on first use) scores ``/`` and ``/review/<id>`` N times per preset and the
median of each figure is printed. ``mobile`` is Lighthouse's default (a mid-range phone on a
slow 4G link, simulated), ``desktop`` its desktop preset. The targets are performance >= 90 and
accessibility >= 95; when a run fails, it says which and exits with 1 without a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from dev import synthesize
from dev.service_processes import ServiceProcess, gateway_process, new_prefix, worker_process

REPO_ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE_DIR = REPO_ROOT / "bench" / "lighthouse"
IB = Path(sys.executable).parent / "ib"
WEB_INDEX = REPO_ROOT / "web" / "dist" / "index.html"
FIGURES = ("performance", "accessibility", "fcp_ms", "lcp_ms", "tbt_ms", "cls")
TARGETS = {"performance": 90, "accessibility": 95}
LISTED_INTERVIEWS = 10


def install_lighthouse() -> None:
    if not (LIGHTHOUSE_DIR / "node_modules" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def analysed_interview(gateway: ServiceProcess, user: str, tmp: Path) -> str:
    """The id of a synthesized interview ``ib analyze`` took end to end for ``user``."""
    env = {**os.environ, **{k: v for k, v in gateway.env().items() if k.startswith("IB_")}, "IB_USER": user}
    sample = synthesize.make_sample(tmp / "lighthouse_interview.wav")
    completed = subprocess.run(
        [str(IB), "analyze", str(sample), "--json", "--company", "Lighthouse Inc"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"FAILED: the sample was not analysed ({completed.stderr.strip()[-300:]}): no figure")
    interview_id: str = json.loads(completed.stdout)["interview_id"]
    return interview_id


def score(base: str, session: str, preset: str, paths: list[str]) -> list[dict[str, Any]]:
    completed = subprocess.run(
        ["node", "score_pages.mjs", base, session, preset, *paths],
        cwd=LIGHTHOUSE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        sys.exit(f"FAILED: Lighthouse did not run ({completed.stderr.strip()[-500:]}): no figure")
    results: list[dict[str, Any]] = json.loads(completed.stdout.strip().splitlines()[-1])
    failed = [f"{result['path']}: {result['error']}" for result in results if "error" in result]
    if failed:
        sys.exit(f"FAILED: Lighthouse could not measure {'; '.join(failed)}: no figure")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("mobile", "desktop", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not WEB_INDEX.exists():
        sys.exit(f"FAILED: {WEB_INDEX} is missing (run `make web`): no figure")
    install_lighthouse()
    presets = ["mobile", "desktop"] if args.preset == "both" else [args.preset]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = new_prefix()
        worker = worker_process(prefix, Path(tmp), BOOTSTRAP, DATABASE_URL)
        gateway = gateway_process(prefix, Path(tmp), BOOTSTRAP, DATABASE_URL)
        worker.start()
        gateway.start()
        try:
            user = f"lighthouse-{prefix.strip('.-_')}"
            interview_id = analysed_interview(gateway, user, Path(tmp))
            token = httpx.post(gateway.url + "/auth/dev-token", json={"user_name": user}).json()["token"]
            for number in range(LISTED_INTERVIEWS - 1):
                httpx.post(
                    gateway.url + "/interviews",
                    json={"company": f"Company {number}", "job_title": "Engineer"},
                    headers={"Authorization": f"Bearer {token}"},
                ).raise_for_status()
            session = json.dumps({"token": token, "userId": user, "provider": "dev"})
            paths = ["/", f"/review/{interview_id}"]
            runs = {
                preset: [score(gateway.url, session, preset, paths) for _ in range(args.runs)]
                for preset in presets
            }
        finally:
            gateway.stop()
            worker.stop()
    print(f"median of {args.runs} Lighthouse 12 runs per page, signed in, Debian's Chromium")
    header = ("preset", "page", "perf", "a11y", "FCP ms", "LCP ms", "TBT ms", "CLS")
    print("{:8} {:10} {:>5} {:>5} {:>7} {:>7} {:>7} {:>6}".format(*header))
    missed = []
    for preset, preset_runs in runs.items():
        for index, path in enumerate(paths):
            median = {
                figure: statistics.median(run[index][figure] for run in preset_runs) for figure in FIGURES
            }
            page = "dashboard" if path == "/" else "analysis"
            print(
                f"{preset:8} {page:10} {median['performance']:5.0f} {median['accessibility']:5.0f} "
                f"{median['fcp_ms']:7.0f} {median['lcp_ms']:7.0f} {median['tbt_ms']:7.0f} "
                f"{median['cls']:6.3f}"
            )
            failures = sorted(
                {audit for run in preset_runs for audit in run[index]["accessibility_failures"]}
            )
            if failures:
                print(f"         accessibility audits failed: {', '.join(failures)}")
            missed += [
                f"{preset} {page} {name} {median[name]:.0f} < {target}"
                for name, target in TARGETS.items()
                if median[name] < target
            ]
    print(
        "targets met (performance >= 90, accessibility >= 95)"
        if not missed
        else f"targets missed: {'; '.join(missed)}"
    )


if __name__ == "__main__":
    main()
