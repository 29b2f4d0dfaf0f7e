"""The ingest schema's JSON lines: a bad line is one error naming what is wrong."""

import pytest

from dedup.errors import InputError
from wiretrace.cli.jsonl import parse_line


def test_a_line_nested_too_deeply_is_one_error_not_an_abort() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        parse_line("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize(("line", "why"), [
    ("{", "not valid JSON"),
    ("[1]", "not a JSON object"),
    ('{"text": "x"}', "`url` is required"),
    ('{"url": "https://a.example/1"}', "one of `text` or `html`"),
    ('{"url": "https://a.example/1", "text": "x", "wire": [1]}', "`wire` must be"),
])
def test_bad_lines_name_the_problem(line: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        parse_line(line)
