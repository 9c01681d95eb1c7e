"""Print the issue-13 table for the bad-input matrix and the hostile exercise attempts.

Run: ``.venv/bin/python tests/fuzz/report.py [-v]`` (from the repository root).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from bad_inputs import KINDS, matrix  # noqa: E402


def main() -> None:
    verbose = "-v" in sys.argv
    counts = collections.Counter()
    for name, arg, bad, kind, detail in matrix():
        counts[kind] += 1
        if verbose and kind not in ("clear error naming the problem", "an answer (finite)"):
            print(f"{kind:40s} {name}({arg}={bad}): {detail[:150]}")
    print("| outcome | count |\n| --- | --- |")
    for kind in KINDS:
        print(f"| {kind} | {counts[kind]} |")
    import exercise_matrix as em
    from hostile import HOSTILE

    runs = collections.Counter()
    with em.time_limit(0.1):
        for check in em.CHECKS.names:
            for hostile in HOSTILE:
                kind, detail = em.run(check, hostile)
                runs[kind] += 1
                if verbose and kind != em.CALM:
                    print(f"{kind}: {check} / {hostile.name}: {detail[:150]}")
    print("| exercise runs: " + " / ".join(em.KINDS) + " | "
          + " / ".join(str(runs[k]) for k in em.KINDS) + " |")


if __name__ == "__main__":
    main()
