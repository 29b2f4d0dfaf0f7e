"""Extraction quality on ../shared/data/article-pages: wiretrace's extraction side by side with
plain trafilatura defaults (scoring: wiretrace_testing/extraction_score.py).

    python -m bench.extraction [--limit N] [--json]
"""

import argparse
import json

from wiretrace_testing.extraction_score import run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    scores = run(args.limit)
    if args.json:
        print(json.dumps({k: vars(v) for k, v in scores.items()}))
        return
    n = next(iter(scores.values())).pages
    print(f"extraction on {n} real pages (article-extraction benchmark scoring)")
    for name, s in scores.items():
        print(f"  {name:<22} precision {s.precision:.3f}  recall {s.recall:.3f}  "
              f"F1 {s.f1:.3f}   {s.seconds:5.1f} s")


if __name__ == "__main__":
    main()
