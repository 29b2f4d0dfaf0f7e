"""Scores of wiretrace's answers on generated webs: per page, then pooled over seeds.

Per page (``judge``):

- a copy or partial is *found* when wiretrace gives it its role (copy, partial) and links it
  to a page of its own story; in an undecidable story (truth.py) the reverse also counts
  (the copy taken for the original, in one cluster with the real one);
- its original is *right* when the original wiretrace names is the story's real original
  (a digest: either story's); pages of undecidable stories are left out; in a story that
  is undecidable any page of the story may be named;
- a *false link* is a page linked to a page of another story (or of none);
- precision: of the pages wiretrace calls copies (partials), those that are copies
  (partials) of the story it links them to; the real original called a copy is wrong
  unless its story is undecidable.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from wiretrace_testing.webgen.run import Answers
from wiretrace_testing.webgen.truth import decidable, story_pages
from wiretrace_testing.webgen.web import Web

TARGETS = {"copy_recall": 0.98, "copy_precision": 0.99, "right_original": 0.97}


@dataclass
class Judged:
    seed: int
    url: str
    kind: str
    behaviour: str
    expected: str | None
    got: str | None
    original: str | None
    found: bool | None = None  # copies and partials
    right: bool | None = None  # None: not counted (undecidable, or not a copy)
    correct_role: bool = False  # for precision: its predicted copy/partial role is right
    false_link: bool = False
    undecidable: bool = False


def judge(web: Web, ans: Answers) -> list[Judged]:
    dec = decidable(web)
    members = story_pages(web)
    index = {str(r.get("url")): i for i, r in enumerate(ans.results)}
    index.update({u: i for i, u in enumerate(ans.urls)})
    out = []
    for i, (page, r) in enumerate(zip(web.pages, ans.results, strict=True)):
        role = r.get("role")
        named = r.get("original")
        orig = str(named["url"]) if isinstance(named, dict) and named.get("url") else None
        o_idx = index.get(orig) if orig else None
        o_stories = set(web.pages[o_idx].stories) if o_idx is not None else set()
        mine = set(page.stories)
        und = [s for s in page.stories if not dec[s]]
        j = Judged(web.seed, ans.urls[i], page.kind, page.behaviour or "-", page.role,
                   role if isinstance(role, str) else None, orig, undecidable=bool(und))
        linked_in_story = bool(o_stories & mine)
        if role in ("copy", "partial") and orig and not linked_in_story:
            j.false_link = True
        if page.role in ("copy", "partial"):
            swapped = role == "original" and any(
                r.get("cluster") and r.get("cluster") ==
                ans.results[web.pages.index(web.originals[s])].get("cluster") for s in und)
            j.found = (role == page.role and linked_in_story) or swapped
            j.correct_role = role == page.role and linked_in_story
            if any(dec[s] for s in page.stories):
                ok = {ans.urls[web.pages.index(web.originals[s])] for s in page.stories}
                for s in und:
                    ok |= {ans.urls[web.pages.index(p)] for p in members[s]}
                j.right = orig is not None and (orig in ok or (
                    o_idx is not None and ans.urls[o_idx] in ok))
        elif page.role == "original":
            # an original called a copy is right only where nothing tells it from the copy
            j.correct_role = bool(und) and linked_in_story
            j.found = role == "original" or j.correct_role
        out.append(j)
    return out


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_behaviour: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    false_links: list[Judged] = field(default_factory=list)
    misses: list[Judged] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, judged: list[Judged]) -> None:
        for j in judged:
            rows = [self.counts, self.by_kind[j.kind]]
            if j.expected in ("copy", "partial"):
                rows.append(self.by_behaviour[j.behaviour])
            for c in rows:
                c["pages"] += 1
                if j.expected in ("copy", "partial", "original"):
                    c[f"expected_{j.expected}"] += 1
                    c[f"found_{j.expected}"] += bool(j.found)
                if j.got in ("copy", "partial"):
                    c[f"predicted_{j.got}"] += 1
                    c[f"correct_{j.got}"] += j.correct_role
                if j.right is not None:
                    c["decidable"] += 1
                    c["right"] += j.right
                c["undecidable"] += j.undecidable and j.expected in ("copy", "partial")
                c["false_links"] += j.false_link
            if j.false_link:
                self.false_links.append(j)
            if j.found is False or j.right is False or j.false_link:
                self.misses.append(j)

    def metrics(self, c: Counter[str] | None = None) -> dict[str, Any]:
        c = self.counts if c is None else c

        def ratio(a: str, b: str) -> float | None:
            return c[a] / c[b] if c[b] else None

        return {"copy_recall": ratio("found_copy", "expected_copy"),
                "copy_precision": ratio("correct_copy", "predicted_copy"),
                "partial_recall": ratio("found_partial", "expected_partial"),
                "partial_precision": ratio("correct_partial", "predicted_partial"),
                "right_original": ratio("right", "decidable"),
                "false_links": c["false_links"], "undecidable": c["undecidable"],
                "pages": c["pages"]}

    def met(self) -> dict[str, bool]:
        m = self.metrics()
        out = {k: m[k] is not None and m[k] >= t for k, t in TARGETS.items()}
        out["false_links"] = m["false_links"] == 0
        return out
