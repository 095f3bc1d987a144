"""No personal data in the logs: after an upload, an analysis and a transcript search, the
worker's and the gateway's logs hold neither the user's email or name, nor what they told us
about the interview, nor a word of what they said."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from dev import synthesize
from gateway.auth import DevIssuer
from gateway.settings import Settings
from tests.e2e.conftest import IB, REPO_ROOT, Stack, account

pytestmark = [pytest.mark.stack, pytest.mark.slow]

EMAIL = "ramona.thistlewood@example.org"
NAME = "Ramona Thistlewood"
COMPANY = "Quuxly Dynamics"
JOB_TITLE = "Staff Zorblatt Engineer"
NOTES = "Second round with the Quuxly platform team"
#: What the user says: words no route, agent or log message of ours has a reason to hold (the
#: stack is shared with the other end-to-end tests, whose logs are read too).
ANSWER = (
    "Um, at my last job I reorganised the greenhouse irrigation spreadsheet for a horticulture"
    " cooperative, uh, and the watering mistakes dropped by half within a fortnight."
)


def spoken_words(transcript: str) -> list[str]:
    """Long words of what was said (as it was heard): no log line has a reason to hold them."""
    return sorted({word for word in re.findall(r"[a-z]+", transcript.lower()) if len(word) >= 8})


def test_the_logs_hold_no_personal_data(stack: Stack, tmp_path: Path) -> None:
    recording = tmp_path / "private_answer.wav"
    synthesize.speak(ANSWER, recording)
    settings = Settings(run_dir=stack.gateway.run_dir)
    token = DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience).issue(
        account("privacy-user"), email=EMAIL, name=NAME
    )
    env = {**stack.cli_env("privacy-user"), "IB_TOKEN": token}
    analysed = subprocess.run(
        [
            str(IB),
            "analyze",
            str(recording),
            "--json",
            "--company",
            COMPANY,
            "--job-title",
            JOB_TITLE,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert analysed.returncode == 0, analysed.stderr
    spoken = spoken_words(json.loads(analysed.stdout)["transcript"]["text"])
    assert len(spoken) >= 5, spoken
    with stack.client("privacy-user") as client:
        interview_id = client.get("/interviews").json()["data"][0]["interview_id"]
        headers = {"Authorization": f"Bearer {token}"}
        current = client.get(f"/interviews/{interview_id}", headers=headers)
        edited = client.patch(
            f"/interviews/{interview_id}",
            json={"notes": NOTES},
            headers={**headers, "If-Match": current.headers["ETag"]},
        )
        assert edited.status_code == 200, edited.text
        searched = "spreadsheet" if "spreadsheet" in spoken else spoken[0]
        found = client.get(f"/interviews/{interview_id}/transcript", params={"q": searched}, headers=headers)
        assert found.status_code == 200 and found.json()["segments"]

    logs = {path.name: path.read_text(errors="replace") for path in stack.gateway.run_dir.glob("*.log")}
    assert {name.split("-")[0] for name in logs} >= {"streams", "gateway"}
    secrets = [EMAIL, NAME, COMPANY, JOB_TITLE, NOTES, *spoken]
    # Whole words: "questions" said is no leak in the agent name "pair_questions".
    secret = re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in secrets), re.IGNORECASE)
    leaks = [
        f"{name}: {line.strip()[:200]}"
        for name, text in logs.items()
        for line in text.splitlines()
        if secret.search(line)
    ]
    assert leaks == []
    assert os.environ.get("IB_TOKEN") is None  # the token went to the CLI only
