"""Accuracy on the real human recordings in ``../shared/eval/speech/``, through the real stack.

    python -m bench.real_recordings

Each recording goes through `ib analyze --json` against a worker and a gateway of their own
(real Kafka and PostgreSQL). Prints, per file and overall: word error rate against the
manifest's reference, um/uh heard versus the reference, and words per minute versus the
reference's words over the measured speaking time. The four-person meeting's reference is
per speaker, not in time order, so its word error rate is shown but left out of the total.
When any recording's analysis does not complete, it says which and why, prints no total, and
exits with 1: a figure over fewer recordings is not this benchmark's figure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jiwer

from bench.stack_addresses import BOOTSTRAP, DATABASE_URL
from dev.service_processes import gateway_process, new_prefix, worker_process

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO_ROOT.parent / "shared" / "eval" / "speech"
IB = Path(sys.executable).parent / "ib"
MEETING = "ami_meeting_excerpt_4spk.wav"


def normalise(text: str) -> str:
    text = re.sub(r"^[A-D] \([A-Z0-9]+\): |\|\| [A-D] \([A-Z0-9]+\): ", " ", text)
    text = text.lower().replace("-", " ").replace("_", "")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def analyze(path: Path, env: dict[str, str]) -> dict[str, Any]:
    """The analysis `ib analyze --json` prints, or why there is none (``error_reason``)."""
    completed = subprocess.run(
        [str(IB), "analyze", str(path), "--json"], env=env, capture_output=True, text=True, check=False
    )
    try:
        result: dict[str, Any] = json.loads(completed.stdout)
    except json.JSONDecodeError:
        why = (completed.stderr.strip().splitlines() or [f"exit {completed.returncode}, no output"])[-1]
        return {"status": "NOT ANALYSED", "error_reason": why}
    return result


def main() -> None:
    manifest = json.loads((EVAL_DIR / "manifest.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        prefix = new_prefix()
        worker = worker_process(prefix, Path(tmp), BOOTSTRAP, DATABASE_URL)
        gateway = gateway_process(prefix, Path(tmp), BOOTSTRAP, DATABASE_URL)
        worker.start()
        gateway.start()
        env = {**os.environ, **{k: v for k, v in gateway.env().items() if k.startswith("IB_")}}
        references, hypotheses = [], []
        expected_fillers = heard_fillers = 0
        failed: list[str] = []
        print(f"{'file':38} {'WER':>6} {'um+uh ref':>9} {'heard':>5} {'wpm':>6} {'ref wpm':>7}")
        try:
            for entry in manifest:
                result = analyze(EVAL_DIR / entry["file"], env)
                if result.get("status") != "COMPLETED":
                    print(f"{entry['file']:38} {result.get('status')}: {result.get('error_reason')}")
                    failed.append(entry["file"])
                    continue
                reference = normalise(entry["transcript"])
                hypothesis = normalise(result["transcript"]["text"])
                wer = float(jiwer.wer(reference, hypothesis))
                fillers = entry["fillers_in_reference"]
                expected = fillers.get("um", 0) + fillers.get("uh", 0)
                speech = result["speech"]
                heard = speech["filler_words"].get("um", 0) + speech["filler_words"].get("uh", 0)
                reference_wpm = len(reference.split()) / speech["speaking_seconds"] * 60
                print(
                    f"{entry['file']:38} {wer:6.3f} {expected:9d} {heard:5d} "
                    f"{speech['wpm']:6.0f} {reference_wpm:7.0f}"
                )
                expected_fillers += expected
                heard_fillers += heard
                if entry["file"] != MEETING:
                    references.append(reference)
                    hypotheses.append(hypothesis)
        finally:
            gateway.stop()
            worker.stop()
    if failed:
        sys.exit(
            f"FAILED: {len(failed)} of {len(manifest)} recordings were not analysed "
            f"({', '.join(failed)}): no figure"
        )
    print(f"overall WER (without the meeting): {float(jiwer.wer(references, hypotheses)):.3f}")
    print(f"um+uh: heard {heard_fillers} of {expected_fillers} in the references")


if __name__ == "__main__":
    main()
