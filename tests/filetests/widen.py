# A variable that starts int64 and becomes float64 in a loop: the loop
# header's parameter is float64 and the initial int64 is converted on entry.
from rumbo import njit


@njit
def mean(n):
    acc = 0
    for i in range(n):
        acc += i / 2
    return acc


@njit
def halving(x):
    v = x
    steps = 0
    while v > 1:
        v = v / 2
        steps += 1
    return v, steps


CALLS = [
    ("mean", (4,)),
    ("halving", (40,)),
]
