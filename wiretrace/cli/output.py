"""How the commands print results: text for people, one JSON object per line for programs."""

import json

from dedup.results import LookupResult


def print_results(results: list[LookupResult], as_json: bool) -> None:
    if as_json:
        for r in results:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    for r in results:
        if not r.indexed and r.role is None:
            print(f"{r.url}\n  not indexed\n")
            continue
        print(f"{r.url}\n  role: {r.role}" + ("" if r.indexed else " (not indexed)")
              + (f"   cluster: {r.cluster}" if r.cluster else ""))
        if r.original:
            print(f"  original: {r.original['url']} ({r.original['site']}, "
                  f"published {r.original['published'] or 'unknown'})")
        if r.attributed_to:
            print(f"  attributed to: {r.attributed_to}")
        if r.similarity is not None:
            print(f"  similarity {r.similarity:.2f}   containment {r.containment:.2f}   "
                  f"confidence {r.confidence:.2f}")
        for e in r.evidence:
            print(f"  evidence: {e}")
        if r.copies:
            print(f"  {len(r.copies)} copies and partials:")
            for c in r.copies:
                print(f"    {c['role']:<8} {c['containment']:.2f}  {c['url']}")
        print()
