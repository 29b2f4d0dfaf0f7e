"""wiretrace's spiders."""
