"""Print the table of outcomes of the bad-input matrix and of the hostile exercise attempts.

Run: ``.venv/bin/python tests/fuzz/report.py [-v]`` (from the repository root); ``-v`` lists
every row that is not a clear error or an answer.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from bad_inputs import ANSWER, CLEAR, KINDS, UNCLEAR, elsewhere, matrix, targets  # noqa: E402


def main() -> None:
    verbose = "-v" in sys.argv
    counts = {"here": collections.Counter(), "elsewhere": collections.Counter()}
    for row in matrix():
        counts["elsewhere" if elsewhere(row.key) else "here"][row.kind] += 1
        if verbose and row.kind not in (CLEAR, ANSWER):
            print(f"{row.kind:45s} {row.key}({row.argument}={row.bad}): {row.detail[:150]}")
    print(f"{len(targets())} targets")
    print("| outcome | chapters and core | files other helpers own | all |")
    print("| --- | --- | --- | --- |")
    for kind in KINDS:
        here, there = counts["here"][kind], counts["elsewhere"][kind]
        print(f"| {kind} | {here} | {there} | {here + there} |")
    for where, c in counts.items():
        total = sum(c.values())
        print(f"unclear share ({where}): {sum(c[k] for k in UNCLEAR) / max(total, 1):.1%} "
              f"of {total}")
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
