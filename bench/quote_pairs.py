"""How much text partials and hard negatives share with their originals, no crawl: each
excerpt, digest and rewrite of a generated web against its original(s), and each negative
(a site's own story, a story quoting a sentence) against every original, as
:func:`dedup.scoring.related` reads them (estimated containment both ways, shared shingles,
LSH bands in common). Refuses held-out seeds.

    python -m bench.quote_pairs --seeds 0-59 > bench/out/g2c-quote-pairs-0-59.txt
"""

import argparse

import numpy as np

from bench.heldout import parse_ranges
from dedup.scoring import PairScore, related, score
from dedup.signature import Signature, packed_bands
from wiretrace_testing.copy_check import SETTINGS, extracted, signed
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen.pools import held_out
from wiretrace_testing.webgen.web import generate

_BANDS = np.dtype([("band", "u1"), ("tag", "<u4")])


def _bands(a: Signature, b: Signature) -> int:
    """LSH bands the two signatures share (a candidate pair shares one or more)."""
    return int(np.sum(np.frombuffer(packed_bands(a), _BANDS)["tag"]
                      == np.frombuffer(packed_bands(b), _BANDS)["tag"]))


def _row(s: PairScore) -> str:
    return (f"min {min(s.a_in_b, s.b_in_a):.3f} shared {s.shared:.0f} a_in_b {s.a_in_b:.2f} "
            f"b_in_a {s.b_in_a:.2f} sim {s.similarity:.3f} related {related(s, False, SETTINGS)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-59")
    seeds = [s for r in parse_ranges(ap.parse_args().seeds) for s in r]
    if any(held_out(s) for s in seeds):
        raise SystemExit("held-out seeds: this measurement is for tuned seeds only")
    for seed in seeds:
        web = generate(seed, PAGES)
        sigs = {}
        for p in web.pages:
            text = extracted(p.html, p.url(None))
            if text:
                sigs[(p.host, p.path)] = signed(p.url(None), text)
        origs = [k for o in web.originals.values() if (k := (o.host, o.path)) in sigs]
        for p in web.pages:
            if (k := (p.host, p.path)) not in sigs:
                continue
            if p.kind == "negative":
                for o in origs:
                    s = score(sigs[k], sigs[o])
                    if s.shared >= 8 and max(s.a_in_b, s.b_in_a) > 0.1:
                        print(f"NEG seed {seed} {p.site} vs {o[0]} {_row(s)}")
            elif p.kind in ("rewrite", "excerpt", "digest"):
                for story in p.stories:
                    o = web.originals[story]
                    if (ok := (o.host, o.path)) in sigs:
                        s = score(sigs[k], sigs[ok])
                        print(f"PAIR {p.kind} seed {seed} {p.site} {_row(s)} "
                              f"bands {_bands(sigs[k], sigs[ok])}")


if __name__ == "__main__":
    main()
