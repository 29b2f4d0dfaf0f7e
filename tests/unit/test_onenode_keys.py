"""Keys a script names itself on one Redis (candidates.lua following records to clusters and
members, dedup/onenode.py) are the keys dedup/keys.py names."""

import pytest

from dedup.keys import Keys
from dedup.onenode import id_prefixes


def test_id_prefixes_plus_an_id_are_the_keys_of_that_id() -> None:
    keys = Keys("wt-x")
    sig, record, cluster, site = id_prefixes(keys)
    for ident in ("0123456789abcdef", "ffffffffffffffff", "a"):
        assert sig + ident == keys.sig(ident)
        assert record + ident == keys.article(ident)
        assert cluster + ident == keys.cluster(ident)
    for name in ("farm.example", "news.example.co.uk", "xn--bcher-kva.example"):
        assert site + name == keys.site(name)


def test_a_clusters_keys_have_no_prefix_for_an_id() -> None:
    with pytest.raises(ValueError):
        id_prefixes(Keys("wt-x", sharded=True))
