"""The main job for a newcomer: ingest the bundled example articles and look them up.

Runs on REDIS_URL when set, else on wiretrace's embedded Redis (data in ./.wiretrace here).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("WIRETRACE_DATA_DIR", str(ROOT / ".wiretrace"))
URLS = [
    "https://eastbrook-gazette.example/news/ferry-terminal-market",
    "https://dailyviralnews.example/2026/03/05/ferry-terminal-market/",
    "https://coastaldigest.example/briefs/eastbrook-market",
]


def wiretrace(*args: str) -> None:
    cmd = [str(Path(sys.executable).with_name("wiretrace")), *args]
    print("$ wiretrace " + " ".join(args), flush=True)
    subprocess.run(cmd, check=True)


def main() -> None:
    wiretrace("ingest", "--jsonl", str(ROOT / "examples" / "articles.jsonl"))
    wiretrace("lookup", *URLS)
    wiretrace("lookup", "--json", URLS[1])
    wiretrace("stats")


if __name__ == "__main__":
    main()
