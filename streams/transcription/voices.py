"""What a voice sounds like, from its audio: cepstrum and pitch statistics, numpy only.

A speaker's vocal tract shows in the average shape of the spectrum (the mean of the mel
cepstrum over voiced frames) and their larynx in the pitch. Both are averaged over a stretch
of speech, so what is said matters less the longer the stretch: about a second of voiced
audio is needed before the vector says more about the speaker than about the words.

The whole piece is analysed once (:class:`VoiceFrames`); a stretch's vector is then a mean
over its frames, so labelling many short stretches costs no more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
FRAME = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
MEL_BANDS = 40
CEPSTRA = 16  # c1..c16: c0 is loudness, which says where the microphone is, not who speaks
PITCH_FRAME = 640  # 40 ms: two periods of an 80 Hz voice
LOWEST_PITCH = 70.0
HIGHEST_PITCH = 400.0
# Autocorrelation peak (0..1) above which a frame is taken as voiced with that pitch.
VOICING = 0.5
OCTAVE_TOLERANCE = 0.9
# A frame is speech when at least this loud above the piece's quietest tenth.
SPEECH_ABOVE_FLOOR_DB = 12.0
SECONDS_PER_FRAME = HOP / SAMPLE_RATE
# Weights of the vector's parts, so that one distance weighs them: pitch in semitones
# (~1-2 apart between stretches of one voice, ~3 between two men, ~10 between a man and a
# woman); cepstral means vary with what is said as much as with who says it, so they count
# less (tuned with bench/speaker_split.py).
PITCH_WEIGHT = 1.0
CEPSTRUM_WEIGHT = 0.3
SPREAD_WEIGHT = 0.3


def _mel_filters() -> np.ndarray:
    def mel(hz: np.ndarray | float) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    def hz(mels: np.ndarray) -> np.ndarray:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(60.0), mel(7600.0), MEL_BANDS + 2))
    bins = np.fft.rfftfreq(FFT, 1.0 / SAMPLE_RATE)
    filters = np.zeros((MEL_BANDS, bins.size))
    for band in range(MEL_BANDS):
        low, centre, high = edges[band : band + 3]
        rising = (bins - low) / (centre - low)
        falling = (high - bins) / (high - centre)
        filters[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return filters


def _dct_matrix() -> np.ndarray:
    n = np.arange(MEL_BANDS)
    k = np.arange(1, CEPSTRA + 1)[:, None]
    return np.cos(np.pi * k * (2 * n + 1) / (2 * MEL_BANDS)) * np.sqrt(2.0 / MEL_BANDS)


MEL_FILTERS = _mel_filters()
DCT = _dct_matrix()


def _frames(samples: np.ndarray, length: int) -> np.ndarray:
    count = 1 + max(samples.shape[0] - length, 0) // HOP
    padded = np.pad(samples, (0, max(length - samples.shape[0], 0)))
    index = np.arange(length)[None, :] + HOP * np.arange(count)[:, None]
    return padded[index]


@dataclass(frozen=True)
class VoiceFrames:
    """Per 10-ms frame of a piece: cepstrum, pitch (semitones above 55 Hz, NaN when
    unvoiced) and whether it is speech."""

    cepstra: np.ndarray  # (frames, CEPSTRA)
    pitch: np.ndarray  # (frames,)
    speech: np.ndarray  # (frames,) bool

    @classmethod
    def of(cls, samples: np.ndarray) -> VoiceFrames:
        samples = samples.astype(np.float64)
        if samples.shape[0] < PITCH_FRAME:
            empty = np.zeros((0, CEPSTRA))
            return cls(empty, np.zeros(0), np.zeros(0, dtype=bool))
        frames = _frames(samples, FRAME) * np.hamming(FRAME)
        power = np.abs(np.fft.rfft(frames, FFT)) ** 2
        log_mel = np.log(power @ MEL_FILTERS.T + 1e-10)
        cepstra = log_mel @ DCT.T
        energy_db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
        speech = energy_db > max(float(np.percentile(energy_db, 10)) + SPEECH_ABOVE_FLOOR_DB, -55.0)
        pitch = _pitch(samples, cepstra.shape[0])
        return cls(cepstra, pitch, speech & ~np.isnan(pitch))

    def span(self, start: float, end: float) -> slice:
        first = max(int(start / SECONDS_PER_FRAME), 0)
        return slice(first, max(int(end / SECONDS_PER_FRAME), first))

    def voiced_seconds(self, start: float, end: float) -> float:
        return float(self.speech[self.span(start, end)].sum()) * SECONDS_PER_FRAME

    def vector(self, start: float, end: float) -> np.ndarray | None:
        """The voice of ``start``..``end`` seconds (within the piece), None when nothing is voiced."""
        window = self.span(start, end)
        voiced = self.speech[window]
        if voiced.sum() < 5:
            return None
        cepstra = self.cepstra[window][voiced]
        pitch = self.pitch[window][voiced]
        return np.concatenate(
            [
                CEPSTRUM_WEIGHT * cepstra.mean(axis=0),
                SPREAD_WEIGHT * cepstra[:, :4].std(axis=0),
                [PITCH_WEIGHT * float(np.median(pitch))],
            ]
        )


def _pitch(samples: np.ndarray, count: int) -> np.ndarray:
    """Semitones above 55 Hz per frame by normalized autocorrelation; NaN where unvoiced."""
    frames = _frames(samples, PITCH_FRAME)[:count]
    frames = frames - frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(frames, 2 * PITCH_FRAME)
    correlation = np.fft.irfft(np.abs(spectrum) ** 2)[:, :PITCH_FRAME]
    shortest, longest = int(SAMPLE_RATE / HIGHEST_PITCH), int(SAMPLE_RATE / LOWEST_PITCH)
    # Normalize by the energy of the overlapping part so long lags are not penalized.
    overlap = (PITCH_FRAME - np.arange(PITCH_FRAME)) / PITCH_FRAME
    normalized = correlation / (correlation[:, :1] + 1e-10) / overlap
    lags = normalized[:, shortest - 1 : longest + 1]
    # Only local peaks count (the slope down from lag 0 is no period), and of those the first
    # that comes close to the highest: twice the period peaks about as high.
    peaks = (lags[:, 1:-1] > lags[:, :-2]) & (lags[:, 1:-1] >= lags[:, 2:])
    lags = np.where(peaks, lags[:, 1:-1], -1.0)
    highest = lags.max(axis=1, keepdims=True)
    best = np.argmax(lags >= OCTAVE_TOLERANCE * highest, axis=1)
    peak = lags[np.arange(lags.shape[0]), best]
    frequency = SAMPLE_RATE / (best + shortest)
    semitones = 12 * np.log2(frequency / 55.0)
    result = np.where(peak > VOICING, semitones, np.nan)
    if result.shape[0] < count:
        result = np.pad(result, (0, count - result.shape[0]), constant_values=np.nan)
    return result
