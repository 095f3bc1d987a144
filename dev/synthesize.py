"""Makes test recordings: synthetic interview answers (espeak-ng + sox), broken uploads, and
a short tone made in memory (:func:`wav_bytes`) for tests that need a valid file, not speech.

    python -m dev.synthesize sample --out PATH.wav      # one ~75 s interview for `make demo`
    python -m dev.synthesize corpus --out DIR           # every dev/samples answer + manifest.json
    python -m dev.synthesize bad-inputs --out DIR       # files a user might upload by mistake
    python -m dev.synthesize dialogues --out DIR        # two-voice interviews + who said what

Each dev/samples/*.txt holds the interviewer's question on its first line and the
candidate's answer below it. Media are generated, never committed.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import struct
import subprocess
import sys
import tempfile
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_RATE = 16_000
# espeak-ng speaks ~20% faster than its -s value; 125 gives 140-160 words per minute.
WORDS_PER_MINUTE = 125
CANDIDATE_VOICE = "en-us"
INTERVIEWER_VOICE = "en-gb"
FILLER_PATTERNS = {
    "um": r"\bum\b",
    "uh": r"\buh\b",
    "like": r",\s*like,",  # only the filler use, which the texts set off with commas
    "you know": r"\byou know\b",
}
DEMO_SAMPLE = "interview_demo"


def read_sample(path: Path) -> tuple[str, str]:
    """(question, answer) of a sample file."""
    question, _, answer = path.read_text(encoding="utf-8").strip().partition("\n")
    return question.strip(), " ".join(answer.split())


def count_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z']+", text))


def count_fillers(text: str) -> dict[str, int]:
    lower = text.lower()
    return {name: len(re.findall(pattern, lower)) for name, pattern in FILLER_PATTERNS.items()}


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


def _generate(out: Path, *effects: str) -> None:
    """A 16 kHz mono 16-bit WAV made by sox from nothing but ``effects`` (silence, noise, tones)."""
    _run("sox", "-n", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(out), *effects)


def make_silence(out: Path, seconds: float) -> Path:
    """``seconds`` of digital silence, 16 kHz mono 16-bit."""
    _generate(out, "trim", "0", str(seconds))
    return out


def speak(
    text: str, out: Path, voice: str = CANDIDATE_VOICE, words_per_minute: int = WORDS_PER_MINUTE
) -> None:
    """espeak-ng at its native rate, then sox to 16 kHz mono 16-bit."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        _run("espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw), text)
        _run("sox", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(out))


def join_with_pause(parts: list[Path], out: Path, pause_seconds: float) -> None:
    """Concatenates WAVs with `pause_seconds` of silence after each but the last."""
    with tempfile.TemporaryDirectory() as tmp:
        padded = []
        for index, part in enumerate(parts):
            if index < len(parts) - 1:
                target = Path(tmp) / f"{index}.wav"
                _run("sox", str(part), str(target), "pad", "0", str(pause_seconds))
                padded.append(str(target))
            else:
                padded.append(str(part))
        _run("sox", *padded, str(out))


SHORT_INTERVIEW_SUBJECTS = (
    "scheduler",
    "billing service",
    "mobile app",
    "data pipeline",
    "search page",
    "test suite",
)


def make_short_interviews(out_dir: Path, count: int) -> list[Path]:
    """``count`` short question-and-answer recordings (about 6 s each), no two alike (the
    gateway links a file uploaded twice by one user to its first interview): many interviews
    flowing at once, for the fault tests and the kill-storm bench."""
    out_dir.mkdir(parents=True, exist_ok=True)
    recordings = []
    for number in range(count):
        subject = SHORT_INTERVIEW_SUBJECTS[number % len(SHORT_INTERVIEW_SUBJECTS)]
        question, answer = out_dir / f"q{number}.wav", out_dir / f"a{number}.wav"
        speak(f"What was project {number + 1}?", question, voice=INTERVIEWER_VOICE)
        speak(f"Um, I rebuilt the {subject}, uh, in {number + 2} weeks.", answer)
        out = out_dir / f"interview_{number:02d}.wav"
        join_with_pause([question, answer], out, pause_seconds=0.8)
        recordings.append(out)
    return recordings


def duration_of(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float(stream.duration * stream.time_base)


def wav_bytes(seconds: float = 0.5, rate: int = SAMPLE_RATE) -> bytes:
    """A short mono 16-bit WAV of a 440 Hz tone, made in memory: a valid recording without speech."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return buffer.getvalue()


def make_sample(out: Path) -> Path:
    """One interview exchange: question (interviewer voice), pause, answer (candidate voice)."""
    question, answer = read_sample(SAMPLES_DIR / f"{DEMO_SAMPLE}.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        asked, answered = Path(tmp) / "q.wav", Path(tmp) / "a.wav"
        speak(question, asked, voice=INTERVIEWER_VOICE)
        speak(answer, answered)
        join_with_pause([asked, answered], out, pause_seconds=1.0)
    return out


def make_corpus(out_dir: Path) -> Path:
    """Every sample's answer as its own WAV, and manifest.json with the reference for each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for text_file in sorted(SAMPLES_DIR.glob("*.txt")):
        question, answer = read_sample(text_file)
        wav = out_dir / f"{text_file.stem}.wav"
        speak(answer, wav)
        entries.append(
            {
                "file": wav.name,
                "question": question,
                "text": answer,
                "word_count": count_words(answer),
                "fillers": count_fillers(answer),
                "duration_s": round(duration_of(wav), 3),
            }
        )
    manifest = out_dir / "manifest.json"
    manifest.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return manifest


def encode_av(
    source_wav: Path,
    out: Path,
    audio_codec: str,
    container_format: str | None = None,
    faststart: bool = False,
) -> Path:
    """Re-encodes a WAV into a compressed container with PyAV (ffmpeg is not installed)."""
    options = {"movflags": "faststart"} if faststart else {}
    rate = 48_000 if audio_codec in ("libopus", "opus") else 44_100
    with (
        av.open(str(source_wav)) as src,
        av.open(str(out), "w", format=container_format, options=options) as dst,
    ):
        stream = dst.add_stream(audio_codec, rate=rate, layout="stereo")
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="stereo", rate=rate)
        fifo = av.AudioFifo()
        frame_size = stream.codec_context.frame_size or 1024
        for frame in src.decode(audio=0):
            for converted in resampler.resample(frame):
                fifo.write(converted)
            while fifo.samples >= frame_size:
                dst.mux(stream.encode(fifo.read(frame_size)))
        for converted in resampler.resample(None):
            fifo.write(converted)
        while fifo.samples > 0:
            dst.mux(stream.encode(fifo.read(min(frame_size, fifo.samples))))
        dst.mux(stream.encode(None))
    return out


def make_video_only(out: Path, seconds: float = 3.0) -> Path:
    """An MP4 with a moving picture and no sound track, like a screen recording with the mic off."""
    rate = 10
    with av.open(str(out), "w") as dst:
        stream = dst.add_stream("mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.codec_context.time_base = Fraction(1, rate)
        for index in range(int(seconds * rate)):
            picture = np.full((120, 160, 3), (index * 8) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            dst.mux(stream.encode(frame))
        dst.mux(stream.encode(None))
    return out


def make_bad_inputs(out_dir: Path) -> dict[str, Path]:
    """Files that must be refused with a clear error, plus good encodings of one answer.

    Returns name -> path; names starting with "good_" are valid recordings with speech.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    speech = out_dir / "good_speech.wav"
    speak(read_sample(SAMPLES_DIR / "answer_strength.txt")[1], speech)
    files["good_speech_wav"] = speech

    files["good_mp4_aac"] = encode_av(speech, out_dir / "good_speech.mp4", "aac")
    files["good_m4a"] = encode_av(speech, out_dir / "good_speech.m4a", "aac", container_format="ipod")
    files["good_mov"] = encode_av(speech, out_dir / "good_speech.mov", "aac", container_format="mov")
    files["good_webm_opus"] = encode_av(
        speech, out_dir / "good_speech.webm", "libopus", container_format="webm"
    )
    stereo = out_dir / "good_speech_44k_stereo.wav"
    _run("sox", str(speech), "-r", "44100", "-c", "2", str(stereo))
    files["good_wav_44k_stereo"] = stereo

    not_media = out_dir / "notes.mp4"
    not_media.write_text("These are my interview notes, not a recording.\n" * 50, encoding="utf-8")
    files["not_media"] = not_media

    empty = out_dir / "empty.mp4"
    empty.write_bytes(b"")
    files["empty"] = empty

    # Cut in half: without faststart the index (moov) is at the end and is lost; with
    # faststart the index survives but claims audio that is no longer there.
    for name, faststart in (("truncated", False), ("truncated_faststart", True)):
        whole = encode_av(speech, out_dir / f"{name}_whole.mp4", "aac", faststart=faststart)
        data = whole.read_bytes()
        cut = out_dir / f"{name}.mp4"
        cut.write_bytes(data[: len(data) // 2])
        whole.unlink()
        files[name] = cut

    files["video_only"] = make_video_only(out_dir / "video_only.mp4")

    files["silence"] = make_silence(out_dir / "silence.wav", seconds=20)

    noise = out_dir / "noise.wav"
    _generate(noise, "synth", "20", "pinknoise", "vol", "0.3")
    files["noise"] = noise

    # Music-like: a chord progression of sustained tones with a tremolo, no voice.
    music = out_dir / "music.wav"
    notes = [("220", "277", "330"), ("196", "247", "294"), ("175", "220", "262"), ("196", "247", "294")]
    with tempfile.TemporaryDirectory() as tmp:
        chords = []
        for index, (low, mid, high) in enumerate(notes * 2):
            chord = Path(tmp) / f"{index}.wav"
            _generate(
                chord,
                "synth",
                "2.5",
                "sine",
                low,
                "sine",
                mid,
                "sine",
                high,
                "remix",
                "-",
                "tremolo",
                "5",
                "40",
                "fade",
                "0.05",
                "2.5",
                "0.3",
                "vol",
                "0.5",
            )
            chords.append(str(chord))
        _run("sox", *chords, str(music))
    files["music"] = music
    return files


# Two-voice interviews for the speaker split: the interviewer's questions and the candidate's
# answers in different espeak-ng voices, each line's speaker known. Written for this purpose.
DIALOGUES: dict[str, list[str]] = {
    "dialogue_backend": [
        "Thanks for joining us today. Tell me about a time you had to fix a slow service in production.",
        "Sure. Um, last year our checkout service got really slow every evening. I, uh, looked at the "
        "traces and found that one query was scanning the whole orders table. I added an index and a "
        "small cache, and the evening latency went from two seconds to about two hundred milliseconds.",
        "How would you make sure the same problem does not come back?",
        "Uh, I would add an alert on the ninety fifth percentile latency. And, um, we now run a load "
        "test before every release, so a missing index shows up before customers see it.",
        "What did you learn from working with the database team?",
        "I learned to bring them data early. Um, when I showed them the query plan, they, uh, suggested "
        "a better index than mine within an hour.",
        "Great, thank you. Walk me through how you review a pull request.",
        "First I read the description and the tests. Then, uh, I check the parts that handle errors, "
        "because that is where bugs hide. Um, I try to leave comments that explain why, not just what.",
    ],
    "dialogue_conflict": [
        "Let's start. Can you describe a disagreement you had with a colleague and how you handled it?",
        "Yes. Um, a designer and I disagreed about a sign up form. She wanted five steps and I, uh, "
        "wanted one page. We agreed to test both with real users, and the one page form won by a small "
        "margin, so we shipped it together.",
        "Why do you think the test convinced her?",
        "Because it was, um, her users and her numbers, not my opinion. Uh, it moved the talk from who "
        "is right to what works.",
        "Tell me about a project you are proud of.",
        "I rebuilt our mobile app's offline mode. Um, people in trains lost their notes, and after the "
        "change, uh, support tickets about lost data dropped by eighty percent.",
        "Where do you see yourself in three years?",
        "Um, leading a small team, and still writing code every week. I, uh, want to help newer "
        "engineers grow.",
    ],
    "dialogue_data": [
        "Hello and welcome. Tell me about a time you worked with messy data.",
        "Okay. Um, at my last job the sales data came from three systems with different customer ids. "
        "I, uh, wrote a matching step that used email and phone, and we went from forty percent matched "
        "to ninety five percent.",
        "How did you check that the matches were correct?",
        "I took a random sample of two hundred pairs and, um, checked them by hand with a colleague. "
        "Uh, we found four wrong matches and fixed the rule.",
        "What would you do if a stakeholder disagreed with your numbers?",
        "I would, um, sit down with them and go through one example end to end. Usually, uh, the "
        "difference is a definition, like what counts as an active customer.",
    ],
}
#: (interviewer, candidate) voices per dialogue: a woman and a man (pitch ~190 and ~100 Hz), and two
#: men of about the same pitch (~100 Hz), told apart by timbre alone if at all.
DIALOGUE_VOICES: dict[str, tuple[str, str]] = {
    "dialogue_backend": ("en+f2", "en-us+m3"),
    "dialogue_conflict": ("en+f3", "en-us+m3"),
    "dialogue_data": ("en-gb", "en-us+m3"),
}
DIALOGUE_PAUSE_SECONDS = 0.9


def make_dialogue(
    lines: list[str], voices: tuple[str, str], out: Path, pause_seconds: float = DIALOGUE_PAUSE_SECONDS
) -> list[dict[str, object]]:
    """A recording of ``lines`` spoken in turn by ``voices[0]`` (the interviewer, even lines)
    and ``voices[1]`` (odd lines), with a pause between lines. Returns each line's speaker
    ("interviewer"/"candidate"), text and start/end seconds in the recording."""
    out.parent.mkdir(parents=True, exist_ok=True)
    turns: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        cursor = 0.0
        for index, text in enumerate(lines):
            part = Path(tmp) / f"{index}.wav"
            speak(text, part, voice=voices[index % 2])
            seconds = duration_of(part)
            speaker = "interviewer" if index % 2 == 0 else "candidate"
            turns.append(
                {
                    "speaker": speaker,
                    "text": text,
                    "start": round(cursor, 3),
                    "end": round(cursor + seconds, 3),
                }
            )
            cursor += seconds + pause_seconds
            parts.append(part)
        join_with_pause(parts, out, pause_seconds)
    return turns


def make_monologue(lines: list[str], voice: str, out: Path) -> list[dict[str, object]]:
    """Every line in one voice, as a single-speaker recording (the same timing as a dialogue)."""
    return make_dialogue(lines, (voice, voice), out)


def make_dialogues(out_dir: Path) -> Path:
    """Every dialogue as a WAV, and dialogues.json with who said what when."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, lines in DIALOGUES.items():
        wav = out_dir / f"{name}.wav"
        turns = make_dialogue(lines, DIALOGUE_VOICES[name], wav)
        entries.append({"file": wav.name, "voices": list(DIALOGUE_VOICES[name]), "turns": turns})
    manifest = out_dir / "dialogues.json"
    manifest.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dev.synthesize", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("sample", "corpus", "bad-inputs", "dialogues"):
        commands.add_parser(name).add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "sample":
        made = make_sample(args.out)
        print(f"{made} ({duration_of(made):.1f} s)")
    elif args.command == "corpus":
        print(make_corpus(args.out))
    elif args.command == "dialogues":
        print(make_dialogues(args.out))
    else:
        for name, path in make_bad_inputs(args.out).items():
            print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
