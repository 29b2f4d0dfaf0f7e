"""Texts written for the tests: a few distinct stories and the ways copiers reuse them."""

import random

_SUBJECTS = ["the council", "the minister", "the company", "the union", "the museum",
             "the hospital", "the court", "the regulator", "the university", "the club"]
_VERBS = ["announced", "rejected", "delayed", "approved", "questioned", "funded", "reviewed",
          "cancelled", "expanded", "defended"]
_OBJECTS = ["a new bridge", "the budget", "a merger", "the strike", "an exhibition",
            "the night shift", "an appeal", "a fine", "the research grant", "the stadium"]
_TAILS = ["after months of talks", "despite protests outside", "on a narrow vote",
          "citing rising costs", "to the surprise of analysts", "without public consultation",
          "following a written complaint", "ahead of the winter", "in a short statement",
          "with support from the mayor"]


def story(seed: int, paragraphs: int = 8) -> str:
    """A deterministic article of about 60 words per paragraph, different for every seed."""
    rng = random.Random(seed)
    paras = []
    for p in range(paragraphs):
        sentences = []
        for _ in range(4):
            sentences.append(
                f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} "
                f"{rng.choice(_OBJECTS)} {rng.choice(_TAILS)}, said {rng.choice(['Ana', 'Bo', 'Cy', 'Di', 'Ed'])}"
                f"{rng.randint(1, 999)} in paragraph {p} of report {seed}-{rng.randint(1, 10**6)}.")
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
