"""wiretrace's Scrapy extensions: the index a crawl writes to, and a queue shared by several
crawl processes."""
