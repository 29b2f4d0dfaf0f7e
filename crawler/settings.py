"""Scrapy settings of wiretrace's crawler: polite and bounded by default.

A source's ``settings:`` mapping in the sources file overrides any of these for that source.
"""

from scrapy.settings import default_settings

from crawler.config import CrawlSettings
from dedup.config import Settings

_ENV = CrawlSettings()

BOT_NAME = "wiretrace"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = _ENV.user_agent

# Politeness
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many tasks (and one more) for every response's output: a page yields
# one item, a feed or a sitemap requests, which take no time to hand on. Two: a page's item
# waits for its extraction in one while its links go on in the other. (16 tasks a page
# were a tenth of the crawl process's reactor time.)
CONCURRENT_ITEMS = 2
DOWNLOAD_DELAY = 0.25

# Bounds on every download: size (also after decompression), time (whole transfer)
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 20
REDIRECT_MAX_TIMES = 5
METAREFRESH_MAXDELAY = 0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # a site that is down is not an operational failure
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HTTPERROR_ALLOWED_CODES: list[int] = []
DNS_TIMEOUT = 10
TWISTED_DNS_RESOLVER = "crawler.safety.SafeResolver"
# Extra host -> address mappings (hosts-file format), for tests and the demo
WIRETRACE_HOSTS_FILE = _ENV.hosts_file or ""

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.StrictRobotsTxtMiddleware": 100,
    "crawler.middlewares.AddressGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.FollowedMetaRefreshMiddleware": 580,
}
SPIDER_MIDDLEWARES = {
    "crawler.freshness.FreshArticlesMiddleware": 800,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.middlewares.UsedDepthMiddleware": 900,
}
ITEM_PIPELINES = {
    "crawler.pipelines.IndexPipeline": 300,
}
# No control ports: a crawler is not a server. Left out of the base list rather than set to
# None in EXTENSIONS, where Scrapy imports every key to compare it (the remote control's
# module imports aiohttp: half a second of the crawl's start, in its spider time)
_CONTROL_PORTS = ("scrapy.extensions.telnet.TelnetConsole",
                  "scrapy.extensions.remote_control.RemoteControl")
EXTENSIONS_BASE = {k: v for k, v in default_settings.EXTENSIONS_BASE.items()
                   if k not in _CONTROL_PORTS}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "crawler.extensions.index.IndexExtension": 100,
    "crawler.extensions.sharedqueue.SharedQueue": 110,
}
# Index what is crawled (off: the pipeline and the freshness filter are off too)
WIRETRACE_INDEX_ENABLED = True
# The name of a run shared with other crawl processes (`wiretrace crawl --shared-queue RUN`)
WIRETRACE_SHARED_RUN = ""
# Broad-crawl settings (Scrapy's "broad crawls" advice): no cookies, a scheduler queue that
# spreads requests over domains
COOKIES_ENABLED = False
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"

# Pages wait for a free extraction worker in the scraper: let enough of them wait (Scrapy's
# default of 5 MB holds back the downloader after a handful of real news pages)
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 64 * 1024 * 1024
# Extraction runs in a process pool (0 = one process per CPU)
WIRETRACE_EXTRACT_WORKERS = _ENV.extract_workers
# A shared crawl's bounded prefetch: pages held at once by this process (0: 4 per worker)
WIRETRACE_SHARED_PREFETCH = _ENV.shared_prefetch
# The sources file when the spider is given none (`-a sources=FILE`)
WIRETRACE_SOURCES = str(_ENV.sources)

FEED_EXPORT_ENCODING = "utf-8"
# WIRETRACE_LOG_LEVEL, one level for every wiretrace command (`wiretrace crawl -v`: DEBUG)
LOG_LEVEL = Settings().log_level
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
