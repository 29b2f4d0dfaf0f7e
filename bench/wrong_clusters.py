"""The wrong-original clusters of a bench.heldout run on TUNED seeds only: for each cluster,
every member's truth (kind, date behaviour, republisher profile, crawl phase, the date its
page shows), wiretrace's answer (role, confidence, the ``evidence`` that decided) and what
the page itself carries that the decision may not have used (author, site name, modified
date, canonical/og:url, wire byline, credits: extracted again from its HTML).

    python -m bench.wrong_clusters bench/out/<run>.json [seeds, e.g. 0-49]

Refuses held-out seeds (100 and up): those are never looked at while rules change.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

from bench.heldout import parse_ranges
from bench.miss_classes import _same
from dedup.errors import InputError
from dedup.extraction import extract
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen.web import Page, Web, generate

SHOWN = ("author", "site_name", "modified", "canonical_url", "og_url", "wire", "attribution",
         "source_links", "original_source")


def _signals(page: Page) -> str:
    try:
        art = extract(page.html, page.url(None))
    except InputError as exc:
        return f"(no extraction: {exc})"
    parts = [f"{k}={v!r}" for k in SHOWN if (v := getattr(art, k))]
    return " ".join(parts) or "(no author, site name, modified date, canonical or credit)"


def _page(web: Web, r: dict[str, object]) -> Page:
    return next(p for p in web.pages if _same(str(r["url"]), p.host, p.path))


def _describe(web: Web, rows: list[dict[str, object]]) -> list[str]:
    out = []
    for r in rows:
        page = _page(web, r)
        res: dict[str, object] = r["got_result"]  # type: ignore[assignment]
        date = f"{page.date.when.isoformat()}/{page.date.precision}" if page.date else "-"
        out.append(f"  {page.kind:10} {page.behaviour or '-':9} {page.site:10} ph{page.phase} "
                   f"{page.host:28} expected={r['expected']} got={r['got']} "
                   f"conf={res.get('confidence')} shows={date} published={res.get('published')} "
                   f"first_seen={res.get('first_seen')} names={len(page.names)}")
        out.append(f"      page: {_signals(page)}")
        if r["right"] is False or r["expected"] == "original":
            out.append(f"      evidence: {res.get('evidence')}")
    return out


def main() -> None:
    rows = json.loads(Path(sys.argv[1]).read_text())
    seeds = {s for r in parse_ranges(sys.argv[2]) for s in r} if len(sys.argv) > 2 else None
    if any(int(r["seed"]) >= 100 for r in rows):
        raise SystemExit("held-out seeds in this run: error analysis is for tuned seeds only")
    by_cluster: dict[tuple[int, str], list[dict[str, object]]] = defaultdict(list)
    wrong: set[tuple[int, str]] = set()
    for r in rows:
        seed = int(str(r["seed"]))
        if seeds is not None and seed not in seeds:
            continue
        res: dict[str, object] = r["got_result"]  # type: ignore[assignment]
        key = (seed, str(res.get("cluster") or r["url"]))
        by_cluster[key].append(r)
        if r["right"] is False:
            wrong.add(key)
    webs: dict[int, Web] = {}
    for key in sorted(wrong):
        seed = key[0]
        web = webs.setdefault(seed, generate(seed, PAGES))
        # the cluster's members, and the pages of its stories that sit elsewhere
        stories = {s for r in by_cluster[key] for s in _page(web, r).stories}
        others = [r for k, rs in by_cluster.items() if k[0] == seed and k != key for r in rs
                  if set(_page(web, r).stories) & stories]
        print(f"== seed {seed} cluster {key[1]}")
        print("\n".join(_describe(web, by_cluster[key])))
        if others:
            print("  -- the same stories' pages in other clusters:")
            print("\n".join(_describe(web, others)))
    print(f"{len(wrong)} wrong clusters")


if __name__ == "__main__":
    main()
