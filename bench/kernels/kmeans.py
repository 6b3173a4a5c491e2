"""One k-means (Lloyd) iteration: assign every point to the nearest centroid,
then recompute the centroids."""

import numpy as np

from _backend import njit

TITLE = "k-means step (assign + update)"
RTOL = 1e-12


@njit
def kmeans_step(X, centroids):
    n, d = X.shape
    k = centroids.shape[0]
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        best = 0
        best_dist = np.inf
        for c in range(k):
            dist = 0.0
            for j in range(d):
                t = X[i, j] - centroids[c, j]
                dist += t * t
            if dist < best_dist:
                best_dist = dist
                best = c
        labels[i] = best
    new = np.zeros((k, d))
    counts = np.zeros(k, dtype=np.int64)
    for i in range(n):
        c = labels[i]
        counts[c] += 1
        for j in range(d):
            new[c, j] += X[i, j]
    for c in range(k):
        for j in range(d):
            if counts[c] > 0:
                new[c, j] /= counts[c]
            else:
                new[c, j] = centroids[c, j]
    return labels, new


kernel = kmeans_step


def numpy_version(X, centroids):
    k = centroids.shape[0]
    dist = ((X[:, np.newaxis, :] - centroids[np.newaxis, :, :]) ** 2).sum(axis=2)
    labels = dist.argmin(axis=1)
    new = np.zeros_like(centroids)
    np.add.at(new, labels, X)
    counts = np.bincount(labels, minlength=k)
    nonzero = counts > 0
    new[nonzero] /= counts[nonzero, np.newaxis]
    new[~nonzero] = centroids[~nonzero]
    return labels, new


def inputs(scale):
    n = max(16, round(60_000 * scale))
    k, d = 8, 4
    rng = np.random.default_rng(6)
    X = rng.standard_normal((n, d))
    centroids = X[rng.choice(n, k, replace=False)].copy()
    return (X, centroids), f"{n:,} points × {d}-D, k={k}"
