"""Exact quotas: the integer counts, and the rows that get them, behind every synthetic share.

A share the generator is given becomes a count by largest remainder (:func:`apportion`), and
the count goes to chosen rows: at random (:func:`quota_labels`), to the rows a dependence
favours (:func:`preferring`, :func:`top_k`), or, to make a subgroup meet a published count
without changing any total, by swapping values between rows inside and outside the subgroup
(:func:`swap_until`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd


def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    >>> apportion(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    """
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() == 0:
        return np.zeros(len(w), dtype=int)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def share_of(n: int, count: int, of: int) -> int:
    """``count`` of ``of`` scaled to ``n`` rows (exactly ``count`` when ``n == of``).

    >>> share_of(27, 18, 27), share_of(29, 18, 27)
    (18, 19)
    """
    return int(apportion(n, [count, of - count])[0])


def count_of_share(n: int, share: float) -> int:
    """The count of ``n`` rows a share gives (largest remainder, as :func:`apportion`).

    >>> count_of_share(278, 0.35)
    97
    """
    return int(apportion(n, [share, 1 - share])[0])


def quota_labels(rng, codes, counts) -> np.ndarray:
    """An array holding each code its quota of times, in random order."""
    labels = np.repeat(np.asarray(codes, dtype=object), counts)
    return rng.permutation(labels)


def labels_by_share(rng, n: int, shares: dict[str, float]) -> np.ndarray:
    """``n`` labels in random order, each code its share of ``n`` exactly (largest remainder)."""
    return quota_labels(rng, list(shares), apportion(n, list(shares.values())))


def top_k(score: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the k highest scores (ties broken by position, deterministically)."""
    mask = np.zeros(len(score), dtype=bool)
    mask[np.argsort(-np.asarray(score, dtype=float), kind="stable")[: max(k, 0)]] = True
    return mask


def preferring(rng, codes: Sequence[str], counts, preferred: dict[str, np.ndarray]) -> np.ndarray:
    """Labels with exact quotas, where a code's quota goes first to the rows it prefers.

    ``preferred`` maps a code to a boolean mask over the rows: the code takes its quota from
    those rows first (in random order), then the remaining codes are dealt at random to the
    remaining rows. This is how a dependence is built in without losing exact counts (a
    parent's partner who harmed the child makes "living with a parent and partner" likelier).
    """
    n = int(np.sum(counts))
    out = np.full(n, None, dtype=object)
    left = dict(zip(codes, (int(c) for c in counts), strict=True))
    for code, mask in preferred.items():
        rows = rng.permutation(np.flatnonzero(np.asarray(mask, dtype=bool) & (out == None)))  # noqa: E711
        take = rows[: left[code]]
        out[take] = code
        left[code] -= len(take)
    free = np.flatnonzero(out == None)  # noqa: E711 (element-wise comparison)
    out[free] = quota_labels(rng, list(left), list(left.values()))
    return out


def swap_until(
    frame: pd.DataFrame,
    columns: Sequence[str],
    has: Callable[[pd.DataFrame], np.ndarray],
    inside: np.ndarray,
    partners: np.ndarray,
    target: int,
    rank: np.ndarray,
    match: str | None = None,
) -> None:
    """Swap ``columns`` between rows inside a subgroup and partner rows until ``target`` inside
    rows satisfy ``has``. A swap moves values between two rows, so every total is unchanged.

    When more are needed, the inside row lacking the feature with the highest ``rank`` trades
    with the partner row having it with the lowest ``rank`` (and the reverse when fewer are
    needed), so a shared score (family adversity) keeps its meaning. With ``match``, the two
    rows must agree on that column (an infant trades with an infant).

    Raises
    ------
    ValueError
        No partner can make the trade (the target is out of reach).
    """
    for _ in range(len(frame)):
        feature = np.asarray(has(frame), dtype=bool)
        gap = target - int((feature & inside).sum())
        if gap == 0:
            return
        want = gap > 0  # the inside row gains the feature from a partner that has it
        candidates = np.flatnonzero(inside & (feature != want))
        givers = partners & (feature == want) & ~inside
        order = np.argsort(-rank[candidates] if want else rank[candidates], kind="stable")
        for a in candidates[order]:
            pool = givers.copy()
            if match is not None:
                pool &= (frame[match] == frame[match].iloc[a]).to_numpy()
            pool_rows = np.flatnonzero(pool)
            if len(pool_rows):
                key = rank[pool_rows] if want else -rank[pool_rows]
                b = pool_rows[np.argsort(key, kind="stable")[0]]
                break
        else:
            raise ValueError(f"cannot reach {target} by swapping {list(columns)}")
        rows = [frame.index[a], frame.index[b]]
        frame.loc[rows, list(columns)] = frame.loc[rows[::-1], list(columns)].to_numpy()
