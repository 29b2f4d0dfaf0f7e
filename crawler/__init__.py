"""wiretrace's Scrapy project: one generic spider (``articles``) driven by a sources file."""
