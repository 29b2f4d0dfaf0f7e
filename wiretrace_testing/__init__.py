"""Fixture sites, stories and benchmark webs, for ``tests`` and ``bench`` only.

Nothing in ``dedup``, ``crawler`` or ``wiretrace`` imports this package (an import-linter
contract in pyproject.toml checks it); ``make demo`` serves its demo sites.
"""
