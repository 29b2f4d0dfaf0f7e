from dedup.attribution import attribution_lines, named_sources, wire_bylines


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
