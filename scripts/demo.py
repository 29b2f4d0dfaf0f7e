"""The main job for a newcomer: crawl the bundled demo sites, then look up the copies.

Serves four small local websites on loopback (examples/demo_sites.py), crawls them with
`wiretrace crawl` (the republishers first, so that the original arrives after its copies),
and prints what wiretrace says about each copy. Runs on REDIS_URL when set, else on
wiretrace's embedded Redis (data in ./.wiretrace here). Running it again gives the same
answers; the second crawl fetches only feeds, sitemaps and listing pages.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wiretrace_testing import demo_sites  # noqa: E402
from wiretrace_testing.localsites import start_server, write_hosts  # noqa: E402

PORT = int(os.environ.setdefault("WIRETRACE_DEMO_PORT", "8790"))
os.environ.setdefault("WIRETRACE_DATA_DIR", str(ROOT / ".wiretrace"))
G = f"http://{demo_sites.GAZETTE}:{PORT}"
COPIES = [
    f"http://{demo_sites.FARM}:{PORT}/2026/03/05/ferry-terminal-market/",
    f"http://{demo_sites.DIGEST}:{PORT}/briefs/eastbrook-market",
    f"http://{demo_sites.PARTNER}:{PORT}/syndicated/eastbrook-market-vote",
]


def wiretrace(*args: str) -> None:
    cmd = [str(Path(sys.executable).with_name("wiretrace")), *args]
    print("\n$ wiretrace " + " ".join(args), flush=True)
    subprocess.run(cmd, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="wiretrace-demo-") as tmp:
        sites = demo_sites.write(Path(tmp) / "sites", PORT)
        os.environ["WIRETRACE_HOSTS_FILE"] = str(write_hosts(Path(tmp) / "hosts",
                                                             sites.hosts()))
        server = start_server(Path(tmp) / "sites", PORT)
        try:
            sources = str(ROOT / "examples" / "sources.yaml")
            wiretrace("crawl", "--sources", sources, "dailyviralnews", "coastaldigest")
            wiretrace("crawl", "--sources", sources, "eastbrook-gazette", "harbourwire")
        finally:
            server.stop()
    wiretrace("lookup", *COPIES)
    wiretrace("lookup", f"{G}/news/ferry-terminal-market")
    wiretrace("stats")
    # what to do next, with the settings this run used
    where = "" if os.environ.get("REDIS_URL") else (
        f"WIRETRACE_DATA_DIR={os.path.relpath(os.environ['WIRETRACE_DATA_DIR'])} ")
    print(f"\nThe same answers on the web page (Ctrl-C stops it):\n"
          f"  {where}.venv/bin/wiretrace serve\n"
          f"  then open http://127.0.0.1:8000/?url={COPIES[0]}")


if __name__ == "__main__":
    main()
