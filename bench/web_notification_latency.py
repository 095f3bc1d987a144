"""How fast the web app tells its user: from ``analysis.completed`` on the topic to the in-app
notification on screen, and the dashboard's first render, in headless Chromium.

    python -m bench.web_notification_latency [--interviews 4] [--loads 5]

Runs a worker and a gateway of their own on the real Kafka and PostgreSQL (the gateway serving
the built app, ``make web``). For each of ``--interviews`` users, a signed-in page waits on the
dashboard while a synthetic interview is uploaded for that user; the page stamps the moment the
notification appears (a MutationObserver, ``performance.timeOrigin + performance.now()``), and
the bench reads the CreateTime of the interview's ``analysis.completed`` record. Target: under 1 s.

Then one user with 12 interviews opens the dashboard ``--loads`` times, each in a new browser
context (nothing cached, the session already in the tab as after sign-in): navigation start to
the list of interviews on screen (``performance.now()`` when the rows appear). Target: under 1 s.

Prints the figures; exits 1 without them when a run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from dev import synthesize
from dev.service_processes import ServiceProcess, gateway_process, new_prefix, worker_process
from dev.stack.config import REPO_ROOT
from dev.topic_records import wait_for_record
from topics.catalog import ANALYSIS_COMPLETED

CHROMIUM = Path("/usr/bin/chromium")
WEB_INDEX = REPO_ROOT / "web" / "dist" / "index.html"
ANALYSIS_TIMEOUT_MS = 600_000
DASHBOARD_INTERVIEWS = 12
SESSION_KEY = "interview-buddy.session"

#: Stamps, in the page, when each notification and the first row of the dashboard appear.
STAMPS = """
window.notifiedAt = {};
window.rowsAt = null;
new MutationObserver(() => {
  const now = performance.now();
  if (window.rowsAt === null && document.querySelector('[data-testid="interview-row"]')) window.rowsAt = now;
  for (const note of document.querySelectorAll('[data-testid="notification"]')) {
    const id = note.getAttribute("data-interview-id");
    if (!(id in window.notifiedAt)) window.notifiedAt[id] = performance.timeOrigin + now;
  }
}).observe(document, { subtree: true, childList: true });
"""


def sign_in(page: Page, gateway: ServiceProcess, user: str) -> None:
    """Signed in by the dev sign-in, as the sign-in page does, before the page under test loads."""
    answer = httpx.post(f"{gateway.url}/auth/dev-token", json={"user_name": user}).raise_for_status().json()
    page.goto(gateway.url + "/sign-in")
    session = json.dumps({"token": answer["token"], "userId": answer["user_id"]})
    page.evaluate("([key, session]) => sessionStorage.setItem(key, session)", [SESSION_KEY, session])


def client(gateway: ServiceProcess, user: str) -> httpx.Client:
    answer = httpx.post(f"{gateway.url}/auth/dev-token", json={"user_name": user}).raise_for_status().json()
    return httpx.Client(
        base_url=gateway.url, headers={"Authorization": f"Bearer {answer['token']}"}, timeout=120
    )


def completed_at_ms(prefix: str, interview_id: str) -> int:
    """CreateTime of the interview's ``analysis.completed`` record (read in a thread of its own:
    playwright's sync API holds an event loop in this one)."""
    key = interview_id.encode()
    reading = wait_for_record(BOOTSTRAP, ANALYSIS_COMPLETED, prefix, lambda r: r.key == key, 60)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, reading).result().timestamp


def notification_latency(page: Page, gateway: ServiceProcess, prefix: str, recording: Path) -> float:
    """Seconds from ``analysis.completed`` to its notification on the screen of a new user."""
    user = f"bench-notified-{uuid.uuid4().hex[:8]}"
    sign_in(page, gateway, user)
    page.goto(gateway.url + "/")
    page.locator('[data-live-state="open"]').wait_for(state="attached")
    with client(gateway, user) as api, recording.open("rb") as body:
        interview_id = (
            api.post("/interviews", json={"company": "Bench"}).raise_for_status().json()["interview_id"]
        )
        api.put(
            f"/interviews/{interview_id}/recording",
            content=body,
            headers={"Content-Type": "audio/wav", "X-Filename": recording.name},
        ).raise_for_status()
    selector = f'[data-testid="notification"][data-interview-id="{interview_id}"]'
    page.locator(selector).wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    shown_ms: float = page.evaluate("id => window.notifiedAt[id]", interview_id)
    return (shown_ms - completed_at_ms(prefix, interview_id)) / 1000


def dashboard_first_render(browser: Browser, gateway: ServiceProcess, user: str) -> float:
    """Seconds from navigation start to the dashboard's rows on screen, nothing cached."""
    answer = httpx.post(f"{gateway.url}/auth/dev-token", json={"user_name": user}).raise_for_status().json()
    session = json.dumps({"token": answer["token"], "userId": answer["user_id"]})
    context = browser.new_context()
    context.add_init_script(STAMPS)
    context.add_init_script(f"sessionStorage.setItem({json.dumps(SESSION_KEY)}, {json.dumps(session)})")
    page = context.new_page()
    page.goto(gateway.url + "/")
    page.locator('[data-testid="interview-row"]').first.wait_for()
    rows_at_ms: float = page.evaluate("window.rowsAt")
    context.close()
    return rows_at_ms / 1000


def measure(interviews: int, loads: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        recording = synthesize.make_sample(Path(tmp) / "bench_interview.wav")
        prefix = new_prefix()
        worker = worker_process(prefix, Path(tmp) / "run", BOOTSTRAP, DATABASE_URL)
        gateway = gateway_process(prefix, Path(tmp) / "run", BOOTSTRAP, DATABASE_URL)
        gateway.extra_env["IB_QUOTA_RECORDINGS"] = "1000"
        worker.start()
        gateway.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
                )
                context = browser.new_context()
                context.add_init_script(STAMPS)
                latencies = [
                    notification_latency(context.new_page(), gateway, prefix, recording)
                    for _ in range(interviews)
                ]
                user = f"bench-dashboard-{uuid.uuid4().hex[:8]}"
                with client(gateway, user) as api:
                    for number in range(DASHBOARD_INTERVIEWS):
                        api.post("/interviews", json={"company": f"Company {number}"}).raise_for_status()
                renders = [dashboard_first_render(browser, gateway, user) for _ in range(loads)]
                browser.close()
        finally:
            gateway.stop()
            worker.stop()
    return {"notification_seconds": latencies, "dashboard_seconds": renders}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=4)
    parser.add_argument("--loads", type=int, default=5)
    arguments = parser.parse_args()
    if not WEB_INDEX.exists():
        print(f"{WEB_INDEX} is missing: run `make web` first", file=sys.stderr)
        return 1
    try:
        figures = measure(arguments.interviews, arguments.loads)
    except Exception as exc:  # any failed run: no figure
        print(f"a run failed, no figure: {exc!r}", file=sys.stderr)
        return 1
    notified = figures["notification_seconds"]
    rendered = figures["dashboard_seconds"]
    print(f"analysis.completed → notification on screen, {len(notified)} interviews: ", end="")
    print(f"median {statistics.median(notified):.3f} s, max {max(notified):.3f} s (target < 1 s)")
    print("  each: " + ", ".join(f"{value:.3f}" for value in notified))
    print(f"dashboard first render, {DASHBOARD_INTERVIEWS} interviews, {len(rendered)} loads: ", end="")
    print(f"median {statistics.median(rendered):.3f} s, max {max(rendered):.3f} s (target < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
