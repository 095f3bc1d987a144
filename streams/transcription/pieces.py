"""Where to cut a long recording into pieces: at the quietest moment near each boundary.

Cutting inside a word would make Whisper mishear both halves, so the cut goes where the
short-term energy is lowest in the search window before the nominal boundary.
"""

from __future__ import annotations

import numpy as np

FRAME_SECONDS = 0.02
# Energy is smoothed over this span so the cut lands in a pause, not between two phonemes.
SMOOTHING_SECONDS = 0.2


def frame_energy(samples: np.ndarray, sample_rate: int, frame_seconds: float = FRAME_SECONDS) -> np.ndarray:
    """Mean square per frame of `frame_seconds`."""
    frame = max(int(sample_rate * frame_seconds), 1)
    count = samples.shape[0] // frame
    if count == 0:
        return np.zeros(0, dtype=np.float64)
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame)
    return np.mean(frames**2, axis=1)


def choose_cut(samples: np.ndarray, sample_rate: int, earliest: float, latest: float) -> int:
    """Sample index of the quietest moment between `earliest` and `latest` seconds.

    Ties go to the latest quiet point so pieces stay as long as allowed.
    """
    energy = frame_energy(samples, sample_rate)
    if energy.size == 0:
        return samples.shape[0]
    width = max(int(SMOOTHING_SECONDS / FRAME_SECONDS), 1)
    smooth = np.convolve(energy, np.ones(width) / width, mode="same")
    first = min(max(int(earliest / FRAME_SECONDS), 0), smooth.size - 1)
    last = min(max(int(latest / FRAME_SECONDS), first + 1), smooth.size)
    window = smooth[first:last]
    quietest = first + (window.size - 1 - int(np.argmin(window[::-1])))
    cut = int((quietest + 0.5) * FRAME_SECONDS * sample_rate)
    return min(cut, samples.shape[0])


def noise_floor_db(samples: np.ndarray, sample_rate: int) -> float:
    """Level of the quietest tenth of a piece: the room, not the speaker."""
    energy = frame_energy(samples, sample_rate)
    if energy.size == 0:
        return -100.0
    return float(np.percentile(10 * np.log10(energy + 1e-10), 10))


def is_voiced(samples: np.ndarray, sample_rate: int, floor_db: float, min_seconds: float = 0.15) -> bool:
    """True when a stretch holds at least `min_seconds` of sound well above the room's floor."""
    energy = frame_energy(samples, sample_rate)
    if energy.size == 0:
        return False
    db = 10 * np.log10(energy + 1e-10)
    loud = db > max(floor_db + 15.0, -45.0)
    return int(loud.sum()) * FRAME_SECONDS >= min_seconds
