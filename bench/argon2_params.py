"""Argon2id parameters for operator passwords, chosen by measurement on this machine.

Run with the project's venv: `.venv/bin/python bench/argon2_params.py`. Each candidate
(time cost, memory, lanes) is timed over several verifications; the one whose median check
falls in the target (0.2-0.5 s) closest to 0.3 s is suggested for ARGON2_TIME_COST,
ARGON2_MEMORY_KIB and ARGON2_PARALLELISM (docs/console.md, docs/performance.md).
The throttle's own figures follow: the most guesses one account can get in a minute and
in an hour with SIGNIN_MAX_DELAY_SECONDS.
"""

import argparse
import statistics
import time

from argon2 import PasswordHasher, Type

TARGET = (0.2, 0.5)
CANDIDATES = [
    (2, 65_536, 2),
    (3, 65_536, 2),
    (3, 65_536, 4),
    (2, 131_072, 2),
    (3, 131_072, 2),
    (4, 131_072, 2),
    (3, 262_144, 2),
]


def measure(time_cost, memory_kib, lanes, runs):
    hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=lanes, type=Type.ID
    )
    stored = hasher.hash("a passphrase of ordinary length")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        hasher.verify(stored, "a passphrase of ordinary length")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def guesses(max_delay, free=2, seconds=60):
    """Tries one account gets in `seconds` when each failure waits as the throttle says."""
    elapsed, failures = 0.0, 0
    while True:
        failures += 1
        wait = 0 if failures <= free else min(2 ** (failures - free), max_delay)
        if elapsed > seconds:
            return failures - 1
        elapsed += wait


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-delay", type=int, default=60)
    args = parser.parse_args()
    best = None
    print("time_cost memory_KiB lanes  median_s")
    for candidate in CANDIDATES:
        median = measure(*candidate, args.runs)
        mark = "in target" if TARGET[0] <= median <= TARGET[1] else ""
        print(f"{candidate[0]:>9} {candidate[1]:>10} {candidate[2]:>5}  {median:8.3f} {mark}")
        in_target = TARGET[0] <= median <= TARGET[1]
        if in_target and (best is None or abs(median - 0.3) < abs(best[1] - 0.3)):
            best = (candidate, median)
    if best:
        (t, m, p), median = best
        print(
            f"suggested: ARGON2_TIME_COST={t} ARGON2_MEMORY_KIB={m} ARGON2_PARALLELISM={p}"
            f" ({median:.3f} s per check)"
        )
    else:
        print("no candidate in the target range on this machine")
    minute, hour = guesses(args.max_delay), guesses(args.max_delay, seconds=3600)
    print(
        f"throttle (max delay {args.max_delay} s): at most {minute} guesses in the first "
        f"minute and {hour} in an hour per account"
    )


if __name__ == "__main__":
    main()
