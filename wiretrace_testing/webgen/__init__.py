"""Syndication webs generated from a seed, for benchmarks that can't be tuned to.

``web.generate(seed, pages_dir)`` builds one (real originals, republisher sites, copies,
negatives, crawl phases, the truth of every page); ``run`` crawls or ingests it with the
`wiretrace` command; ``truth`` says which stories can be decided at all; ``score`` judges
the answers. Seeds 0-99 draw every pool from one half, 100 and up from the other
(``pools``).
"""
