"""Unit tests of the crawler package: no network, no Redis."""
