"""No personal data in the logs: after an upload, an analysis and a transcript search, the
worker's and the gateway's logs (one JSON object per line, read as such) and what `ib analyze`
logged hold neither the user's email or name, nor what they told us about the interview, nor
the recording's file name, nor a word of what they said."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from dev import synthesize
from dev.service_processes import json_log_record
from gateway.auth import DevIssuer
from gateway.settings import Settings
from tests.e2e.conftest import IB, REPO_ROOT, Stack, account

pytestmark = [pytest.mark.stack, pytest.mark.slow]

EMAIL = "ramona.thistlewood@example.org"
NAME = "Ramona Thistlewood"
COMPANY = "Quuxly Dynamics"
JOB_TITLE = "Staff Zorblatt Engineer"
NOTES = "Second round with the Quuxly platform team"
#: The recording's file name, as the user named it.
FILE_NAME = "thistlewood_final_round.wav"
#: What every line of our logs has (``topics/log_format.py``).
LOG_KEYS = {"timestamp", "level", "logger", "message"}
#: What the user says: words no route, agent or log message of ours has a reason to hold (the
#: stack is shared with the other end-to-end tests, whose logs are read too).
ANSWER = (
    "Um, at my last job I reorganised the greenhouse irrigation spreadsheet for a horticulture"
    " cooperative, uh, and the watering mistakes dropped by half within a fortnight."
)


def spoken_words(transcript: str) -> list[str]:
    """Long words of what was said (as it was heard): no log line has a reason to hold them."""
    return sorted({word for word in re.findall(r"[a-z]+", transcript.lower()) if len(word) >= 8})


def secret_pattern(secrets: list[str]) -> re.Pattern[str]:
    """Any of ``secrets``, whatever the case and the spaces between their words (a name broken
    over two lines), as whole words: "questions" said is no leak in the agent "pair_questions"."""
    words = (re.escape(secret).replace(r"\ ", r"\s+") for secret in secrets)
    return re.compile("|".join(rf"(?<!\w){word}(?!\w)" for word in words), re.IGNORECASE)


def leaks_in(name: str, lines: list[str], secret: re.Pattern[str]) -> list[str]:
    """The lines that hold a secret: as written, and in every value of a JSON line as decoded
    (JSON escapes quotes, line breaks and, with ``ensure_ascii``, every letter beyond ASCII)."""
    found = []
    for line in lines:
        record = json_log_record(line)
        values = [line, *(str(value) for value in record.values())] if record else [line]
        if any(secret.search(value) for value in values):
            found.append(f"{name}: {line.strip()[:200]}")
    return found


def test_a_secret_is_found_in_a_json_line_however_it_is_escaped() -> None:
    """The search below would catch a leak: in a message, escaped, in an exception."""
    secret = secret_pattern([NAME, EMAIL, FILE_NAME])
    lines = [
        '{"level": "INFO", "message": "pair_questions started"}',
        '{"level": "INFO", "message": "uploaded \\"\\u0074histlewood_final_round.wav\\""}',
        '{"level": "ERROR", "message": "failed", "exception": "ValueError: Ramona\\nThistlewood"}',
        '{"level": "INFO", "message": "mail to ramona.thistlewood@example.org"}',
    ]
    assert [leak.split(": ", 1)[1][:40] for leak in leaks_in("log", lines, secret)] == [
        line[:40] for line in lines[1:]
    ]


def test_the_logs_hold_no_personal_data(stack: Stack, tmp_path: Path) -> None:
    recording = tmp_path / FILE_NAME
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

    logs = {
        path.name: path.read_text(errors="replace").splitlines()
        for path in stack.gateway.run_dir.glob("*.log")
    }
    assert {name.split("-")[0] for name in logs} >= {"streams", "gateway"}
    not_json = [
        f"{name}: {line[:200]}"
        for name, lines in logs.items()
        for line in lines
        if not (json_log_record(line) or {}).keys() >= LOG_KEYS
    ]
    assert not_json == [], "every line of the services' logs is a JSON object"
    logs["ib analyze (stderr)"] = analysed.stderr.splitlines()
    secret = secret_pattern([EMAIL, NAME, COMPANY, JOB_TITLE, NOTES, FILE_NAME, *spoken])
    leaks = [leak for name, lines in logs.items() for leak in leaks_in(name, lines, secret)]
    assert leaks == []
    assert os.environ.get("IB_TOKEN") is None  # the token went to the CLI only
