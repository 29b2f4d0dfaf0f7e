"""Rules of the house that a review would otherwise have to remember (issue 10)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dedup", "crawler", "wiretrace", "wiretrace_testing")
SETTINGS_MODULES = {"dedup/config.py", "crawler/config.py", "wiretrace/api/config.py"}
MAX_LINES = 300


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_no_module_outside_tests_and_bench_is_over_300_lines_formatted() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    long = []
    for path in _sources():
        out = subprocess.run([str(ruff), "format", "--stdin-filename", str(path), "-"],
                             input=path.read_text(), capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout
        if (n := out.count("\n")) > MAX_LINES:
            long.append(f"{path.relative_to(ROOT)}: {n}")
    assert not long, f"split these (one component a file): {long}"


def test_the_environment_is_read_only_in_the_settings_modules() -> None:
    reads = re.compile(r"\bos\.(environ|getenv)\b")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in _sources()
             if p.parts[len(ROOT.parts)] != "wiretrace_testing"
             and str(p.relative_to(ROOT)) not in SETTINGS_MODULES
             for i, line in enumerate(p.read_text().splitlines(), 1) if reads.search(line)]
    assert not found, f"read settings through a settings class: {found}"
