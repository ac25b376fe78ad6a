"""Bring a unit's speech to broadcast loudness: an EBU R128 meter, a true-peak meter and a look-ahead limiter.

The meter follows ITU-R BS.1770-4 (the one EBU R128 uses): K-weighting (a
high shelf and a high-pass, their coefficients derived for the sample rate as
libebur128 does), mean square over 400 ms blocks every 100 ms, an absolute gate
at −70 LUFS and a relative gate 10 LU below. True peak is the largest sample of
the signal oversampled four times. :func:`level` gives a unit the gain that
brings it to :data:`TARGET_LUFS`, then limits it so that no (oversampled) peak
exceeds :data:`CEILING_DBTP`; the MP3 encoder then adds a little overshoot,
which the ceiling leaves room for. Each unit is levelled on its own, from its
own samples only, so its encoded segment stays a function of its WAV and the
cache of segments keeps working: every unit (each one a chapter) is heard at
the target, so the whole is too.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

#: Integrated loudness the speech is brought to (EBU R128 / AES TD1008 for mono spoken word: −19 LUFS ±1).
TARGET_LUFS = -19.0
#: The highest true peak the limiter lets through, before MP3 encoding (which overshoots by up to about 1 dB at
#: 48 kbit/s): the decoded MP3 stays at or below −1.5 dBTP.
CEILING_DBTP = -2.5
#: A unit is never made louder or quieter than this by the gain (a unit of near silence is not blown up).
MAX_GAIN_DB = 12.0
#: The limiter reacts this long before a peak (look-ahead, the gain falling in a ramp) and holds its gain this long
#: after it, in seconds.
ATTACK_S, HOLD_S = 0.005, 0.050
#: How much quieter the MP3 decodes than the samples encoded (LAME's low-pass at 48 kbit/s takes away treble,
#: which K-weighting counts): measured on the seed and two corpus texts, and made up for.
ENCODING_LOSS_DB = 0.4
#: Rounds of gain and limiting (each brings the loudness closer to the target after the limiter took some away).
PASSES = 3
#: Gating block and step (s), and the gates (BS.1770-4).
BLOCK_S, STEP_S = 0.4, 0.1
ABSOLUTE_GATE, RELATIVE_GATE = -70.0, -10.0
#: True peak: the signal is oversampled this many times.
OVERSAMPLING = 4
TAPS = 16
#: Bumped when what this module does to the samples changes (part of the segments' cache key).
PROTOCOL = "publish-loudness-1"


def settings() -> tuple[object, ...]:
    """Everything the levelled samples depend on besides the input, for the segments' cache key."""
    constants = (TARGET_LUFS, CEILING_DBTP, MAX_GAIN_DB, ENCODING_LOSS_DB, ATTACK_S, HOLD_S, OVERSAMPLING, TAPS)
    return (PROTOCOL, *constants, PASSES, np.__version__)


def samples(pcm: bytes) -> np.ndarray:
    """16-bit little-endian mono PCM as floats in [−1, 1)."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def pcm16(signal: np.ndarray) -> bytes:
    """Floats in [−1, 1) as 16-bit little-endian PCM (rounded, clipped)."""
    return np.clip(np.rint(signal * 32768.0), -32768, 32767).astype("<i2").tobytes()


@cache
def _k_weighting(rate: int) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """The two biquads of BS.1770's K-weighting at ``rate`` (numerators and denominators), as libebur128 derives
    them."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_b = (1.0, -2.0, 1.0)
    high_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return shelf_b, shelf_a, high_b, high_a


def _padded_length(length: int) -> int:
    """An FFT length with room after ``length`` samples for the filters' tails (and fast to transform)."""
    return 1 << max(10, (length + 8192 - 1).bit_length())


def k_weighted(signal: np.ndarray, rate: int) -> np.ndarray:
    """``signal`` through the K-weighting filter, from silence (by the filter's frequency response; the padding
    holds its decaying tail)."""
    n = _padded_length(len(signal))
    return np.fft.irfft(np.fft.rfft(signal, n) * _k_response(rate, n), n)[: len(signal) + 8192]


@cache
def _k_response(rate: int, n: int) -> np.ndarray:
    """The K-weighting filter's frequency response at the bins of an ``n``-point real FFT."""
    z = np.exp(-1j * np.pi * np.arange(n // 2 + 1) / (n // 2))  # e^{-jω} for each bin
    response = np.ones_like(z)
    coefficients = _k_weighting(rate)
    for b, a in zip(coefficients[::2], coefficients[1::2], strict=True):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response


def block_powers(signal: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal over each 400 ms block, every 100 ms (one block for a shorter signal)."""
    weighted = k_weighted(signal, rate)[: max(len(signal), 1)]
    block, step = round(BLOCK_S * rate), round(STEP_S * rate)
    if len(weighted) <= block:
        return np.array([float(np.mean(weighted**2))])
    energy = np.concatenate(([0.0], np.cumsum(weighted**2)))
    starts = np.arange(0, len(weighted) - block + 1, step)
    return (energy[starts + block] - energy[starts]) / block


def _lufs(power: float) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def gated_loudness(powers: np.ndarray) -> float:
    """Integrated loudness (LUFS) of gating blocks' mean squares: absolute gate, then the relative gate."""
    loud = powers[powers > 10 ** ((ABSOLUTE_GATE + 0.691) / 10)]
    if not len(loud):
        return -math.inf
    relative = _lufs(float(np.mean(loud))) + RELATIVE_GATE
    kept = loud[loud > 10 ** ((relative + 0.691) / 10)]
    return _lufs(float(np.mean(kept)))


def integrated_loudness(signal: np.ndarray, rate: int) -> float:
    """Integrated loudness of ``signal`` in LUFS (BS.1770-4, mono)."""
    return gated_loudness(block_powers(signal, rate))


@cache
def _interpolator() -> np.ndarray:
    """The polyphase filter that computes the :data:`OVERSAMPLING` - 1 values between two samples: a Kaiser-windowed
    sinc of :data:`TAPS` taps per phase (one row per phase)."""
    half = TAPS // 2
    rows = []
    for phase in range(1, OVERSAMPLING):
        t = np.arange(-half + 1, half + 1) - phase / OVERSAMPLING  # sample times relative to the value computed
        rows.append(np.sinc(t) * np.kaiser(TAPS, 8.0))
    return np.array(rows)


def oversampled_peaks(signal: np.ndarray) -> np.ndarray:
    """The largest magnitude of the signal oversampled :data:`OVERSAMPLING` times, between each sample and the
    next (the sample included)."""
    peaks = np.abs(signal)
    for row in _interpolator():
        between = np.convolve(signal, row[::-1])[TAPS // 2 : TAPS // 2 + len(signal)]
        peaks = np.maximum(peaks, np.abs(between))
    return peaks


def true_peak(signal: np.ndarray) -> float:
    """The true peak in dBTP (−inf for silence)."""
    peak = float(oversampled_peaks(signal).max()) if len(signal) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def limit(
    signal: np.ndarray, rate: int, ceiling_db: float = CEILING_DBTP, peaks: np.ndarray | None = None
) -> np.ndarray:
    """``signal`` with its true peaks brought down to ``ceiling_db``: a look-ahead limiter.

    The gain each sample needs is held for :data:`HOLD_S` after it and reached
    :data:`ATTACK_S` before it (a running minimum), then smoothed by a moving
    average as long as the attack: every sample gets at most the gain it needs,
    and the gain moves in ramps, never in steps. ``peaks`` are the signal's
    :func:`oversampled_peaks` when known.
    """
    ceiling = 10 ** (ceiling_db / 20)
    peaks = oversampled_peaks(signal) if peaks is None else peaks
    if not len(signal) or peaks.max() <= ceiling:
        return signal
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    attack, hold = max(1, round(ATTACK_S * rate)), max(1, round(HOLD_S * rate))
    # m[n] = min(need[n - hold … n + attack]); the average of m over [n, n + attack] is then at most need[n].
    padded = np.concatenate((np.ones(hold), need, np.ones(2 * attack)))
    held = _running_min(padded, hold + attack + 1)[: len(need) + attack]
    total = np.concatenate(([0.0], np.cumsum(held)))
    smooth = (total[attack + 1 : attack + 1 + len(need)] - total[: len(need)]) / (attack + 1)
    return signal * np.minimum(smooth, need)


def _running_min(values: np.ndarray, width: int) -> np.ndarray:
    """``out[i] = min(values[i : i + width])`` (the last ``width - 1`` from a shorter window), in log2(width) passes."""
    out, span = values.copy(), 1
    while 2 * span <= width:
        out[:-span] = np.minimum(out[:-span], out[span:])
        span *= 2
    rest = width - span  # two windows of ``span`` overlapping cover ``width``
    if rest:
        out[:-rest] = np.minimum(out[:-rest], out[rest:])
    return out


def level(pcm: bytes, rate: int) -> bytes:
    """One unit's speech (16-bit mono PCM) at :data:`TARGET_LUFS`, its true peak at most :data:`CEILING_DBTP`."""
    signal = samples(pcm)
    loudness = heard_loudness(signal, rate)
    if not math.isfinite(loudness):
        return pcm
    peaks = oversampled_peaks(signal)  # scaled with the signal: found once
    gain, levelled = 0.0, signal
    for done in range(1, PASSES + 1):  # limiting lowers the loudness a little: the gain makes up for it
        gain = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain + TARGET_LUFS - loudness))
        scale = 10 ** (gain / 20)
        levelled = limit(signal * scale, rate, peaks=peaks * scale)
        if done < PASSES:
            loudness = heard_loudness(levelled, rate)
    return pcm16(levelled)


def heard_loudness(signal: np.ndarray, rate: int) -> float:
    """The integrated loudness of ``signal`` heard between pauses: with a block's length of silence on each side,
    so that the blocks reaching into the pauses count as they do in the whole edition."""
    pad = np.zeros(round(BLOCK_S * rate))
    return integrated_loudness(np.concatenate((pad, signal, pad)), rate) - ENCODING_LOSS_DB
