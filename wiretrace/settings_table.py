"""The README's settings table, generated from the settings classes.

    python -m wiretrace.settings_table           # print the table
    python -m wiretrace.settings_table --write   # replace it in README.md

A test fails when the README's table differs from this output.
"""

import argparse
import sys
from pathlib import Path

from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from crawler.config import CrawlSettings
from dedup.config import Settings
from wiretrace.api.config import ApiSettings

BEGIN, END = "<!-- settings table: begin -->", "<!-- settings table: end -->"
# (who reads them, class); each class reads its variables once, when it is built
CLASSES: list[tuple[str, type[BaseSettings]]] = [("engine", Settings),
                                                 ("crawler", CrawlSettings),
                                                 ("API", ApiSettings)]


def _names(name: str, info: FieldInfo, prefix: str) -> str:
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return " or ".join(f"`{a}`" for a in alias.choices if isinstance(a, str))
    return f"`{prefix}{name.upper()}`"


def variables() -> list[str]:
    """Every environment variable that some settings class reads."""
    out = []
    for _, cls in CLASSES:
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            out += ([a for a in alias.choices if isinstance(a, str)]
                    if isinstance(alias, AliasChoices) else [f"{prefix}{name.upper()}"])
    return out


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return "(computed)"
    if info.default is None:
        return "unset"
    return f"`{info.default}`"


def table() -> str:
    rows = ["| variable | default | read by | meaning |", "|---|---|---|---|"]
    for who, cls in CLASSES:
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, info in cls.model_fields.items():
            meaning = " ".join((info.description or "").split()).replace("|", "\\|")
            rows.append(f"| {_names(name, info, prefix)} | {_default(info)} | {who} | "
                        f"{meaning} |")
    return "\n".join(rows) + "\n"


def replaced(readme: str) -> str:
    """``readme`` with the text between the two markers replaced by the table."""
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}{END}{tail}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="replace the table in README.md")
    ap.add_argument("--readme", type=Path, default=Path("README.md"))
    args = ap.parse_args()
    if not args.write:
        sys.stdout.write(table())
        return 0
    args.readme.write_text(replaced(args.readme.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
