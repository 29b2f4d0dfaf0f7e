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


def test_standard_input_at_a_terminal_says_it_is_waiting(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`wiretrace check` alone at a terminal waited for standard input without a word."""
    import io

    from wiretrace.cli.jsonl import open_input

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("typed\n"))
    assert open_input("-").read() == "typed\n"
    assert "reading standard input (end it with Ctrl-D)" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("piped\n"))  # a pipe: nothing said
    assert open_input("-").read() == "piped\n" and capsys.readouterr().err == ""
