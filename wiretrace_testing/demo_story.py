"""The demo's story (examples/articles.jsonl): a small story, its republished copies
and an unrelated one.

The texts were written for wiretrace. Run: python -m wiretrace_testing.demo_story
"""

import json
from pathlib import Path

STORY = [
    "The harbour town of Eastbrook voted on Tuesday to turn its disused ferry terminal into a "
    "covered market, ending a dispute that has divided the council for almost four years.",
    "Councillors approved the plan by nine votes to four after a session that ran past "
    "midnight. The terminal, built in 1962 and closed when the last ferry route was cut in "
    "2015, will keep its steel roof and glass walls, and forty stalls will be let to local "
    "growers, fishmongers and bakers at reduced rents for the first two years.",
    "\"People have been asking for somewhere to buy food from the people who grow it,\" said "
    "Mara Lindqvist, who chairs the council's planning committee. \"The building was empty, "
    "the roof was sound, and the harbour deserves better than a fenced car park.\"",
    "Opponents had argued that the site should be sold to a hotel developer, which offered "
    "2.4 million pounds for the land last spring. Tomas Reyes, one of the four councillors "
    "who voted against the market, said the town was giving up money it badly needed for "
    "road repairs and the leaking roof of the primary school.",
    "The conversion is expected to cost 1.1 million pounds, most of it covered by a regional "
    "regeneration grant. Work on drainage and new electrical wiring starts in March, and the "
    "council hopes to open the first stalls before the summer tourist season.",
    "A survey of residents carried out in the autumn found that two thirds supported a market, "
    "while a quarter preferred the hotel. Several fishing families said they would finally be "
    "able to sell their catch directly on the quay instead of trucking it to the city auction.",
]
OTHER = [
    "A rare pair of white-tailed eagles has nested on the cliffs north of Eastbrook for the "
    "first time in more than a century, wildlife wardens confirmed this week.",
    "The birds were first seen carrying sticks to a ledge above the old lighthouse in "
    "February. Wardens have closed part of the coastal footpath until the end of July so that "
    "walkers and their dogs do not disturb the nest, and a camera has been installed so that "
    "visitors to the harbour library can watch the birds on a screen.",
    "White-tailed eagles were driven out of the region in the nineteenth century by hunting "
    "and egg collecting. A reintroduction programme released young birds on an island further "
    "south five years ago, and wardens believe at least one of this pair came from it, "
    "because it still wears a coloured ring on its left leg.",
    "The county wildlife trust asked people who spot the eagles hunting over the estuary to "
    "report the sightings through its website, and warned that flying drones near the cliffs "
    "is an offence while the birds are breeding.",
]
BOILERPLATE_TOP = (
    "Home | News | Local | Sport | Weather\nBREAKING: traffic delays on the coast road"
)
BOILERPLATE_BOTTOM = (
    "You May Also Like\nTen cheap weekend breaks by the sea\nWhy your cat ignores you\n"
    "Leave a Reply\nYour email address will not be published. Required fields are marked *\n"
    "Comment\nName\nEmail\nWebsite\nSave my name, email, and website in this browser."
)


def main() -> None:
    text = "\n\n".join(STORY)
    rows = [
        {"url": "https://eastbrook-gazette.example/news/ferry-terminal-market",
         "title": "Eastbrook votes to turn ferry terminal into covered market",
         "published": "2026-03-03T18:00:00Z", "site_name": "Eastbrook Gazette", "text": text},
        {"url": "https://dailyviralnews.example/2026/03/05/ferry-terminal-market/",
         "title": "Town Turns Old Ferry Terminal Into Market!!",
         "published": "2026-03-01T08:00:00Z",
         "text": BOILERPLATE_TOP + "\n\n" + text
         + "\n\nSource: | This article originally belongs to Eastbrook-gazette.example\n\n"
         + BOILERPLATE_BOTTOM},
        {"url": "https://coastaldigest.example/briefs/eastbrook-market?utm_source=rss",
         "title": "Eastbrook market approved", "published": "2026-03-04T09:30:00Z",
         "text": "\n\n".join(STORY[:3]) + "\n\nRead the full story at the Eastbrook Gazette."},
        {"url": "https://eastbrook-gazette.example/nature/eagles-return",
         "title": "White-tailed eagles nest near Eastbrook", "published": "2026-03-06T10:00:00Z",
         "site_name": "Eastbrook Gazette", "text": "\n\n".join(OTHER)},
    ]
    out = Path(__file__).resolve().parents[1] / "examples" / "articles.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


if __name__ == "__main__":
    main()
