import numpy as np

from streams.transcription.pieces import choose_cut, is_voiced, noise_floor_db

RATE = 16_000


def tone(seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_cut_lands_in_the_pause_not_in_speech() -> None:
    audio = np.concatenate([tone(24.0), silence(0.6), tone(5.4)])
    cut = choose_cut(audio, RATE, earliest=22.0, latest=30.0) / RATE
    assert 24.0 <= cut <= 24.6


def test_cut_prefers_the_quietest_of_two_pauses() -> None:
    quiet_pause = silence(0.5)
    noisy_pause = tone(0.5, amplitude=0.05)
    audio = np.concatenate([tone(23.0), quiet_pause, tone(3.0), noisy_pause, tone(3.0)])
    cut = choose_cut(audio, RATE, earliest=22.0, latest=30.0) / RATE
    assert 23.0 <= cut <= 23.5


def test_cut_without_pause_stays_inside_the_search_window() -> None:
    audio = tone(30.0)
    cut = choose_cut(audio, RATE, earliest=22.0, latest=30.0) / RATE
    assert 22.0 <= cut <= 30.0


def test_a_filled_pause_counts_as_voiced_and_room_noise_does_not() -> None:
    rng = np.random.default_rng(0)
    room = (0.001 * rng.standard_normal(RATE * 10)).astype(np.float32)
    floor = noise_floor_db(room, RATE)
    assert not is_voiced(room[:8000], RATE, floor)
    assert is_voiced(room[:8000] + tone(0.5, amplitude=0.2), RATE, floor)
