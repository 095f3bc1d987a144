"""`ib analyze` and `ib dev-token`: the gateway's command-line client.

Progress goes to stderr so that `--json` leaves exactly one JSON object on stdout.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import jwt
import typer
from pydantic import SecretStr
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from analysis.moments import clock
from dev.tus_client import ResumeStore, TusClient, TusError, resumable_upload, resume_key
from gateway.auth import DevIssuer
from gateway.settings import Settings

POLL_SECONDS = 1.0
TRANSCRIPT_EXCERPT_CHARS = 600

err = Console(stderr=True)


class ClientSettings(Settings):
    token: SecretStr | None = None  # IB_TOKEN
    user: str = "demo"  # IB_USER: whose dev token to make when IB_TOKEN is not set


def _bearer_token(settings: ClientSettings) -> str:
    if settings.token is not None:
        return settings.token.get_secret_value()
    return DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience).issue(settings.user)


def _fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(1)


def _checked(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text or response.reason_phrase
    _fail(f"{response.request.method} {response.request.url.path}: {response.status_code} {message}")


def _token_user(settings: ClientSettings, token: str) -> str:
    """Whose upload this is, for the resume state: the token's subject, else IB_USER."""
    if settings.token is None:
        return settings.user
    try:
        # Only a label for the local state file: the gateway is what checks the signature.
        subject = jwt.decode(token, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError:
        subject = None
    return str(subject) if subject else hashlib.sha256(token.encode()).hexdigest()


def _upload(
    client: httpx.Client, path: Path, key: str, store: ResumeStore, new_interview: Callable[[], str]
) -> str:
    """Upload through tus, resuming a stored upload of the same file; returns the interview id."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("uploading", total=path.stat().st_size)

        def on_start(offset: int, size: int) -> None:
            description = "uploading"
            if offset:
                description = f"resuming at {100 * offset / size:.0f} %"
                err.print(description)  # also when stderr is no terminal and the bar is hidden
            # The bar starts where the server stands, so the speed and ETA count only new bytes.
            progress.reset(task, total=size, completed=offset, description=description)

        try:
            return resumable_upload(
                TusClient(client),
                store,
                key,
                path,
                new_interview,
                on_start=on_start,
                progress=lambda position: progress.update(task, completed=position),
            )
        except TusError as exc:
            _fail(str(exc))


def _analyse_again(client: httpx.Client, interview_id: str) -> int:
    """Start a new analysis when the file's analysis is finished already (the upload was linked
    to an earlier one of the same file); a file new to the gateway is being analysed anyway.
    Returns the run to wait for."""
    status = _checked(client.get(f"/interviews/{interview_id}/status"))
    if status["status"] not in ("COMPLETED", "FAILED"):
        return int(status.get("run", 0))
    started = _checked(client.post(f"/interviews/{interview_id}/reanalyze"))
    err.print(f"analysing it again (run {started['run']})")
    return int(started["run"])


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    return f" · ETA {minutes}:{secs:02d}"


def _wait_for_analysis(
    client: httpx.Client, interview_id: str, timeout: float, run: int = 0
) -> tuple[dict[str, Any], Any]:
    """Poll until the analysis of run ``run`` (or a later one) exists or the interview failed;
    returns (status, analysis or None)."""
    deadline = time.monotonic() + timeout
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("waiting", total=100)
        while True:
            status = _checked(client.get(f"/interviews/{interview_id}/status"))
            if status.get("run", 0) < run:
                status = {**status, "status": "UPLOADED", "percent": 0.0}  # the new run not yet shown
            label = f"{status['status'].lower()} {status['percent']:.0f}%{_eta(status.get('eta_seconds'))}"
            if status.get("notice"):
                label += f" ({status['notice']})"
            progress.update(task, completed=status["percent"], description=label)
            if status["status"] == "FAILED":
                return status, None
            if status["status"] == "COMPLETED":
                # The state and the analysis reach the database through separate sinks.
                response = client.get(f"/interviews/{interview_id}/analysis")
                if response.status_code != 404:
                    analysis = _checked(response)
                    if analysis.get("run", 0) >= run:
                        return status, analysis
            if time.monotonic() > deadline:
                _fail(
                    f"no analysis after {timeout:.0f}s (status {status['status']}); "
                    f"follow it with GET /interviews/{interview_id}/status"
                )
            time.sleep(POLL_SECONDS)


def _result(
    interview_id: str, status: str, transcript: dict[str, Any], analysis: dict[str, Any], url: str
) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "status": status,
        "run": analysis.get("run", 0),
        "url": url,
        "transcript": {
            "text": transcript["text"],
            "segments": [
                {key: segment.get(key) for key in ("start", "end", "text", "words", "speaker")}
                for segment in transcript["segments"]
            ],
        },
        "speech": analysis["speech"],
        "content": analysis.get("content"),
        "overall_score": analysis["overall_score"],
        "scores": analysis["scores"],
        "recommendations": analysis.get("recommendations", []),
        "preliminary": analysis.get("preliminary", False),
        "warnings": analysis.get("warnings", []),
    }


def _print_turns(out: Console, content: dict[str, Any] | None) -> None:
    if not content or not content.get("turns"):
        return
    out.print(f"\n[bold]Questions[/] ({len(content['turns'])})")
    for turn in content["turns"]:
        star = "".join(
            letter if turn["star"][part]["present"] else "·"
            for letter, part in zip("STAR", ("situation", "task", "action", "result"), strict=True)
        )
        out.print(
            f"  {clock(turn['start'])} {escape(turn['question'])}\n"
            f"        STAR {star} · relevance {turn['relevance']} · confidence {turn['confidence']}"
        )


def _print_prep(out: Console, content: dict[str, Any] | None) -> None:
    comparison = (content or {}).get("prep_comparison")
    if not comparison or comparison.get("status") != "compared":
        return
    score = comparison["improvement_score"]
    shown = "no practised question was asked" if score is None else f"{score:+d}"
    out.print(f"\n[bold]Prep versus actual[/]: improvement {shown}")
    for match in comparison["matches"]:
        delta = f" · change {match['delta_score']:+.0f}" if match["delta_score"] is not None else ""
        out.print(f"  practised: {escape(match['practised_question'])}{delta}")
    for question in comparison["unexpected_questions"]:
        out.print(f"  unexpected at {clock(question['start'])}: {escape(question['question'])}")


def _print_summary(result: dict[str, Any]) -> None:
    out = Console()
    speech = result["speech"]
    text = result["transcript"]["text"]
    excerpt = (
        text
        if len(text) <= TRANSCRIPT_EXCERPT_CHARS
        else text[:TRANSCRIPT_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    )
    fillers = (
        ", ".join(
            f"{word} {count}"
            for word, count in sorted(speech["filler_words"].items(), key=lambda item: -item[1])
        )
        or "none"
    )
    out.print(f"[bold]Interview {result['interview_id']}[/] · {result['status']}")
    if result["scores"]:
        preliminary = " (preliminary)" if result["preliminary"] else ""
        out.print(f"[bold]Overall score:[/] {result['overall_score']:.0f}/100{preliminary}")
    else:
        out.print("[bold]Overall score:[/] not scored")
    for warning in result["warnings"]:
        out.print(f"[yellow]! {escape(warning)}[/]")
    out.print(f"\n[bold]Transcript[/] (excerpt)\n{escape(excerpt) or '(no speech recognized)'}\n")
    out.print(f"[bold]Pace:[/] {speech['wpm']:.0f} words per minute")
    out.print(f"[bold]Filler words:[/] {speech['filler_total']} ({escape(fillers)})")
    out.print(f"[bold]Pauses:[/] {speech['pause_count']} ({speech['long_pause_count']} of 2 s or more)")
    out.print(f"[bold]Clarity:[/] {speech['clarity_score']:.0f}/100")
    _print_turns(out, result["content"])
    _print_prep(out, result["content"])
    if result["scores"]:
        out.print("[bold]Scores:[/] " + ", ".join(f"{k} {v:.0f}" for k, v in result["scores"].items()))
    for recommendation in result["recommendations"]:
        out.print(f"  • {escape(recommendation)}")
    out.print(f"\nDetails: {result['url']}")


def analyze(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The recording.")],
    company: Annotated[str | None, typer.Option(help="Company you interviewed with.")] = None,
    job_title: Annotated[str | None, typer.Option(help="Role you interviewed for.")] = None,
    interview_type: Annotated[
        str | None, typer.Option("--type", help="behavioral, technical, phone_screen, panel or other.")
    ] = None,
    prep_session: Annotated[
        str | None, typer.Option(help="The prep session you prepared with: the analysis compares the two.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print only one JSON object.")] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="When this file was analysed before (you uploaded it already), analyse it anew "
            "instead of showing that analysis.",
        ),
    ] = False,
    gateway_url: Annotated[str | None, typer.Option(help="Default: IB_GATEWAY_URL.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the analysis.")] = 1800.0,
) -> None:
    """Upload a recording and print its analysis."""
    settings = ClientSettings()
    base_url = (gateway_url or settings.gateway_url).rstrip("/")
    token = _bearer_token(settings)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30.0) as client:
            metadata = {
                "company": company,
                "job_title": job_title,
                "interview_type": interview_type,
                "prep_session_id": prep_session,
            }

            def new_interview() -> str:
                return str(_checked(client.post("/interviews", json=metadata))["interview_id"])

            key = resume_key(file, base_url, _token_user(settings, token))
            interview_id = _upload(client, file, key, ResumeStore.under(settings.run_dir), new_interview)
            url = f"{base_url}/interviews/{interview_id}"
            run = _analyse_again(client, interview_id) if again else 0
            status, analysis = _wait_for_analysis(client, interview_id, timeout, run)
            if analysis is None:
                reason = status.get("error_reason") or "the analysis failed"
                if json_output:
                    typer.echo(
                        json.dumps(
                            {
                                "interview_id": interview_id,
                                "status": status["status"],
                                "error_code": status.get("error_code"),
                                "error_reason": reason,
                            }
                        )
                    )
                _fail(reason)
            transcript = _checked(client.get(f"/interviews/{interview_id}/transcript"))
    except httpx.TransportError as exc:
        _fail(f"cannot reach the gateway at {base_url} ({exc}); is it running? (`ib stack up`)")
    result = _result(interview_id, status["status"], transcript, analysis, url)
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_summary(result)


def dev_token(user: Annotated[str, typer.Argument(help="The user id the token is for.")]) -> None:
    """Print a bearer token for USER, signed by the local dev issuer."""
    settings = ClientSettings()
    typer.echo(DevIssuer(settings.auth_dir, settings.auth_issuer, settings.auth_audience).issue(user))
