from dedup.attribution import CUE_HINTS, any_of, attribution_lines, named_sources, wire_bylines


def test_attribution_lines_and_their_sources() -> None:
    text = ("Body of the story.\nSource: | This article originally belongs to Nbcnews.com\n"
            "This story originally appeared on The Verge.\n"
            "Source: people familiar with the talks")
    lines = attribution_lines(text)
    assert len(lines) == 2
    assert named_sources(lines[0]) == ["nbcnews.com"]
    assert named_sources(lines[1]) == ["The Verge"]


def test_wire_bylines() -> None:
    assert wire_bylines("WASHINGTON (AP) — The Senate voted.") == ["AP"]
    assert wire_bylines("By Reuters\nLONDON, Nov 3 - Shares fell.") == ["Reuters"]
    assert wire_bylines("A local story by our own reporter.") == []


def test_a_domain_is_a_source_even_when_it_reads_like_a_person() -> None:
    from dedup.attribution import attribution_lines

    line = "Source: | This article originally belongs to Spokesman.com"
    assert attribution_lines(line) == [line]
    assert attribution_lines("Source: a spokesman for the ministry") == []


def test_dates_and_anonymous_agencies_are_not_sources() -> None:
    assert attribution_lines("First published on November 19, 2019 / 8:16 AM") == []
    assert attribution_lines("First Published on Nov 20, 2019 01:38 pm") == []
    assert attribution_lines("This story was first published on 12/03/2019.") == []
    assert attribution_lines("SOURCE: News agencies") == []
    assert named_sources("First published in The Guardian") == ["The Guardian"]


def test_a_page_signing_with_its_own_name_or_edition_makes_no_claim() -> None:
    from dedup.claims import claims_of
    from dedup.models import ArticleMeta
    from dedup.publishers import same_publisher

    own = ArticleMeta(url="https://www.aljazeera.com/news/a", site="aljazeera.com",
                      site_name="Al Jazeera", attribution=["SOURCE: Al Jazeera News"],
                      canonical_url="https://www.aljazeera.net/news/a")
    assert claims_of(own) == []
    other = ArticleMeta(url="https://portal.example/a", site="portal.example",
                        attribution=["SOURCE: Al Jazeera News"],
                        canonical_url="https://www.cnn.com/2019/story")
    assert {c.kind for c in claims_of(other)} == {"attribution", "canonical"}
    assert same_publisher("news.telegraph.co.uk", "telegraph.com")
    assert not same_publisher("abc.net.au", "abc.com")  # short names collide: not trusted
    assert not same_publisher("abc.net.au", "abcnews.go.com")


def test_picture_and_data_credits_do_not_make_a_page_a_copy() -> None:
    from dedup.claims import claims_of, credits_another_site
    from dedup.models import ArticleMeta

    assert attribution_lines("Source: Getty Images") == []
    assert attribution_lines("Source: AP Photo/John Smith") == []
    chart = ArticleMeta(url="https://paper.example/a", site="paper.example",
                        attribution=["Source: Bureau of Labor Statistics"])
    assert [c.strong for c in claims_of(chart)] == [False]  # a name, not a site: weak
    assert not credits_another_site(chart)
    copy = ArticleMeta(url="https://farm.example/a", site="farm.example",
                       attribution=["Source: nbcnews.com",
                                    "This story originally appeared on The Verge."])
    assert [c.strong for c in claims_of(copy)] == [True, True]
    assert credits_another_site(copy)


def test_any_of_says_yes_exactly_when_a_word_occurs() -> None:
    """The prefix-tree pattern (``any_of``) against the plain question, on the cue hints,
    words that are prefixes of others, and near misses."""
    words = (*CUE_HINTS, "read", "reading", "re", "via")
    pattern = any_of(words)
    texts = ["", "nothing here", "REPRINTED", "a ree", "thread", "revia", "re", "r",
             *(f"x{w}y" for w in words), *(w[:-1] for w in words), *(w[1:] for w in words)]
    for text in texts:
        assert bool(pattern.search(text)) == any(w in text for w in words), text
