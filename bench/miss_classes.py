"""Error analysis of a bench.heldout run on TUNED seeds only: every miss (a copy not found,
a wrong original, a false link) with the republisher's profile, the copy's kind and date
behaviour, what wiretrace answered and the evidence it gave, grouped by class.

    python -m bench.miss_classes [bench/out/heldout.json]

Refuses held-out seeds (100 and up): those are never looked at while rules change.
"""

import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen.web import generate

OUT = Path(__file__).resolve().parent / "out"


def _same(url: str, host: str, path: str) -> bool:
    """Whether a URL wiretrace answered with is this page (crawled URLs carry a port)."""
    u = urlsplit(url)
    return u.hostname == host and (u.path + (f"?{u.query}" if u.query else "")) == path


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT / "heldout.json"
    rows = json.loads(path.read_text())
    if any(int(r["seed"]) >= 100 for r in rows):
        raise SystemExit("held-out seeds in this run: error analysis is for tuned seeds only")
    webs: dict[int, object] = {}
    classes: Counter[str] = Counter()
    for r in rows:
        if not (r["found"] is False or r["right"] is False or r["false_link"]):
            continue
        seed = int(r["seed"])
        web = webs.setdefault(seed, generate(seed, PAGES))
        page = next(p for p in web.pages if _same(r["url"], p.host, p.path))
        res = r["got_result"]
        what = ("false link" if r["false_link"] else "not found" if r["found"] is False
                else "wrong original")
        named = next((p for p in web.pages if r["original"] and
                      _same(r["original"], p.host, p.path)), None)
        label = f"{what}: {page.kind}/{page.behaviour or '-'} on {page.site}" + (
            f" -> named {named.kind}/{named.behaviour or '-'} on {named.site}" if named else "")
        classes[label] += 1
        print(f"seed {seed} {what}: {page.kind} {page.behaviour} site={page.site} "
              f"role {r['expected']}->{r['got']} date={page.date} phase={page.phase}")
        print(f"   url {r['url']}\n   named {r['original']} "
              f"({named.kind if named else '-'}, {named.site if named else '-'}, "
              f"date={named.date if named else '-'}, phase={named.phase if named else '-'})")
        print(f"   conf {res.get('confidence')} evidence {res.get('evidence')}")
        print(f"   published {res.get('published')} containment {res.get('containment')}")
    print()
    for label, n in classes.most_common():
        print(f"{n:4} {label}")
    print()
    for line in precision_misses(rows):
        print(line)


def precision_misses(rows: list[dict[str, object]]) -> list[str]:
    """What copy precision counts against: the pages answered ``copy`` that are not copies
    of the story they are linked to, by what they are (a rewrite or an excerpt kept whole
    enough to pass the copy bar, an original taken for a copy, a false link)."""
    wrong: Counter[str] = Counter()
    predicted = 0
    for r in rows:
        if r["got"] != "copy":
            continue
        predicted += 1
        if not r["correct_role"]:
            wrong[f"{r['kind']} (expected {r['expected']}"
                  f"{', false link' if r['false_link'] else ''})"] += 1
    lines = [f"copy precision: {predicted - sum(wrong.values())} of {predicted} pages "
             f"answered copy are copies of their story"]
    lines += [f"{n:4} answered copy: {label}" for label, n in wrong.most_common()]
    return lines


if __name__ == "__main__":
    main()
