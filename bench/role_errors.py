"""Role errors and false links of a bench.heldout run on TUNED seeds only: each page given
the wrong role (a copy answered partial or unique, a partial answered copy or unique, a
page of no story answered copy or partial) or linked to another story, with the numbers its
answer gives (similarity, containment, shape) and, measured here on the two pages' own
extraction (no site template learned), how it holds its real original both ways.

    python -m bench.role_errors bench/out/<run>.json [--seeds 0-49]

Refuses held-out seeds (100 and up): those are never looked at while rules change.
"""

import argparse
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bench.heldout import parse_ranges
from wiretrace_testing.copy_check import compare, extracted
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen.web import Page, Web, generate


def _page(web: Web, url: str) -> Page | None:
    u = urlsplit(url)
    path = u.path + (f"?{u.query}" if u.query else "")
    return next((p for p in web.pages if p.host == u.hostname and p.path == path), None)


def _offline(web: Web, page: Page) -> str:
    """How the page holds its story's original on the two extractions alone."""
    if not page.stories:
        return ""
    o = web.originals[page.stories[0]]
    ref, text = extracted(o.html, o.url(None)), extracted(page.html, page.url(None))
    if not ref or not text:
        return "offline: not extracted"
    s, sh = compare(ref, text)
    out = (f"offline vs real original: sim {s.similarity:.3f} holds {s.b_in_a:.3f} of it, "
           f"{s.a_in_b:.3f} of page in it, shared {s.shared:.0f}")
    if sh:
        out += f"; left_out {sh.left_out} in_place {sh.in_place} in_article {sh.in_article}"
    return out


def error(r: dict[str, object]) -> str | None:
    """What is wrong with a row's role or link, or None."""
    if r["false_link"]:
        return "false link"
    exp, got = r["expected"], r["got"]
    if exp in ("copy", "partial") and got != exp and not r["found"]:
        return f"{exp} answered {got}"
    if exp is None and got in ("copy", "partial"):
        return f"no story answered {got}"
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--seeds", default="0-99")
    args = ap.parse_args()
    seeds = {s for r in parse_ranges(args.seeds) for s in r}
    if any(s >= 100 for s in seeds):
        raise SystemExit("held-out seeds: error analysis is for tuned seeds only")
    rows = [r for r in json.loads(args.run.read_text()) if int(r["seed"]) in seeds]
    webs: dict[int, Web] = {}
    classes: Counter[str] = Counter()
    for r in rows:
        what = error(r)
        if what is None:
            continue
        seed = int(str(r["seed"]))
        web = webs.setdefault(seed, generate(seed, PAGES))
        page = _page(web, str(r["url"]))
        res: dict[str, object] = r["got_result"]  # type: ignore[assignment]
        named = _page(web, str(r["original"])) if r["original"] else None
        classes[f"{what}: {r['kind']}"] += 1
        print(f"seed {seed} {what}: {r['kind']} ({r['behaviour']}) on "
              f"{page.site if page else '?'} layout {page.layout if page else '?'}")
        print(f"   page  {r['url']}")
        print(f"   named {r['original']} ({named.kind if named else '-'})")
        print(f"   answer: sim {res.get('similarity')} containment {res.get('containment')} "
              f"left_out {res.get('left_out')} in_place {res.get('in_place')} "
              f"in_article {res.get('in_article')} conf {res.get('confidence')}")
        for e in res.get("evidence") or []:  # type: ignore[attr-defined]
            if str(e).startswith("passages"):
                print(f"   {e}")
        if page:
            print(f"   {_offline(web, page)}")
    print()
    for label, n in classes.most_common():
        print(f"{n:4} {label}")


if __name__ == "__main__":
    main()
