"""The provenance signals a page's markup carries, read in one walk of the tree (meta, link,
JSON-LD, microdata) and attribution blocks read innermost first."""

from trafilatura.utils import load_html

from dedup.markup import page_attribution, page_signals

_HEAD = """<html><head>
<meta name="ROBOTS" content="index, NoIndex">
<link rel="Canonical" href="  ">
<link rel="CANONICAL" href=" https://news.example/a ">
<meta property="og:url" content="">
<meta property="og:url" content="https://news.example/og">
<meta property="og:site_name" content="News Example">
<meta property="article:published_time" content="2024-05-02T10:00:00Z">
<link rel="original-source" href="https://first.example/x">
<meta name="original-source" content=" https://second.example/y ">
<meta name="syndication-source" content="https://wire.example/z">
<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",
  "dateModified": "2024-05-03T08:00:00Z", "datePublished": "2020-01-01",
  "isBasedOn": {"url": "https://based.example/j"}}]}</script>
<script type="application/ld+json">{broken</script>
<script>var x = "application/ld+json";</script>
</head><body>
<div itemscope><a itemprop="isBasedOn" href="https://based.example/m">m</a>
<meta itemprop="isBasedOnUrl" content="https://based.example/c"></div>
<p>Text of the story, long enough to be a story.</p></body></html>"""


def test_signals_of_the_head_and_the_body() -> None:
    sig = page_signals(load_html(_HEAD))
    assert sig["canonical_url"] == "https://news.example/a"  # the first non-empty, any case
    assert sig["og_url"] == "https://news.example/og"
    assert sig["site_name"] == "News Example"
    assert sig["published"] == "2024-05-02T10:00:00Z"  # the meta tag before JSON-LD
    assert sig["modified"] == "2024-05-03T08:00:00Z"
    assert sig["original_source"] == ["https://first.example/x", "https://second.example/y"]
    assert sig["syndication_source"] == ["https://wire.example/z"]
    assert sig["is_based_on"] == ["https://based.example/m", "https://based.example/c",
                                  "https://based.example/j"]
    assert sig["article_type"] == "NewsArticle"
    assert sig["noindex"] is True


def test_a_page_without_signals() -> None:
    sig = page_signals(load_html("<html><head><meta name='googlebot' content='index'>"
                                 "</head><body><p>Just text here.</p></body></html>"))
    assert sig == {"canonical_url": None, "og_url": None, "site_name": None, "og_type": None,
                   "article_type": None, "original_source": [], "syndication_source": [],
                   "is_based_on": [], "published": None, "modified": None, "noindex": False,
                   "stated_time": None, "shown_time": None}
    assert page_signals(load_html(
        "<html><head><meta name='googlebot' content='NOINDEX'></head><body><p>x</p>"
        "</body></html>"))["noindex"] is True


def test_attribution_blocks_in_document_order_inside_long_containers() -> None:
    filler = "A sentence of the story that says nothing about where it came from. " * 6
    tree = load_html(f"""<html><body><div class="page"><div class="story">
<p>{filler}</p>
<p>Source: <a href="https://origin.example/a">Origin Daily</a></p>
<div><span>This article was originally published on
  <a href="https://second.example/b">Second Times</a>.</span></div>
<p>{filler}</p></div>
<footer><small>Source: <a href="/local">Origin Daily</a></small></footer>
</div></body></html>""")
    lines, links = page_attribution(tree)
    assert lines == ["Source: Origin Daily",
                     "This article was originally published on Second Times."]
    assert links == ["https://origin.example/a", "https://second.example/b"]
    # a block over 240 characters is no attribution line, even with a cue in it
    assert page_attribution(load_html(
        f"<html><body><p>Source: Origin Daily. {filler}</p></body></html>")) == ([], [])


def test_published_times_of_microdata_meta_names_and_time_elements() -> None:
    sig = page_signals(load_html(
        "<html><head><meta name='pubdate' content='2020-01-02T09:00:00'></head><body>"
        "<time datetime='2020-01-02'>a day alone</time>"
        "<div itemprop='datePublished' content='2020-01-02'>a day alone</div>"
        "<div itemprop='datePublished' datetime='2020-01-03T11:00:00Z' "
        "content='2020-01-02T10:00:00Z'>x</div>"
        "<time itemprop='datePublished' datetime='2019-05-05T05:05:05'>y</time>"
        "</body></html>"))
    # microdata first (its attributes in their order), over a meta name; the first <time>
    # with a time of day
    assert sig["stated_time"] == "2020-01-03T11:00:00Z"
    assert sig["shown_time"] == "2019-05-05T05:05:05"
    sig = page_signals(load_html(
        "<html><head><meta itemprop='datePublished' content='2021-01-02'>"
        "<meta property='DC.date' content=' 2020-01-02T10:00:00 '></head><body>"
        "<div itemprop='datePublished' content='2020-01-02'>a day alone</div>"
        "<p>x</p></body></html>"))
    # no microdata with a time: the first meta with a date name (any case) and a time
    assert sig["stated_time"] == "2020-01-02T10:00:00"
    assert sig["shown_time"] is None
