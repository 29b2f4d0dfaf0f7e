"""Texts written for the tests: a few distinct stories and the ways copiers reuse them."""

import random

_SYLLABLES = ["ba", "ro", "ki", "mel", "tan", "vor", "su", "len", "da", "fi", "gor", "ham",
              "jus", "ne", "pol", "qua", "ris", "ste", "ul", "wen", "xa", "yo", "zim", "ar"]
_GLUE = ["the", "a", "of", "to", "in", "and", "for", "on", "with", "said", "after", "was"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))


def story(seed: int, paragraphs: int = 8) -> str:
    """A deterministic article of about 60 words per paragraph, different for every seed:
    content words are drawn from a vocabulary of ~14,000 made-up words."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(4):
            words = [rng.choice(_GLUE) if rng.random() < 0.35 else _word(rng)
                     for _ in range(rng.randint(10, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


BOILERPLATE = ("Home | World | Business | Tech | Sports\nSubscribe to our newsletter for more\n"
               "You May Also Like\nTen tips for a better garden\nCelebrities who changed careers\n"
               "Leave a Reply\nYour email address will not be published. Required fields are "
               "marked *\nComment Name Email Website\nSave my name, email, and website in this "
               "browser for the next time I comment.")


def wrapped_copy(text: str, attribution: str | None = None) -> str:
    parts = [BOILERPLATE.split("\n")[0], text]
    if attribution:
        parts.append(attribution)
    parts.append(BOILERPLATE)
    return "\n\n".join(parts)


def excerpt(text: str, share: float = 0.4) -> str:
    paras = text.split("\n\n")
    keep = max(1, round(len(paras) * share))
    return "\n\n".join(paras[:keep]) + "\n\nRead more..."


def light_edit(text: str, seed: int = 0, rate: float = 0.03) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(["very", "reportedly", "also", "new", "local"])
    return " ".join(words)
