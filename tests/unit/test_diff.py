"""The word diff's budget and marks, without a browser."""

import time

import pytest

from wiretrace.api.diff import MAX_CHARS, TooLong, sentences, word_diff
from wiretrace_testing.stories import light_edit, story


def _long(seed: int) -> str:
    text = ""
    while len(text) < 120_000:
        text += story(seed + len(text)) + "\n"
    return text[:120_000]


def test_two_120_kb_texts_diff_in_well_under_a_second_of_cpu() -> None:
    a = _long(1)
    paras = light_edit(a, 3).split("\n")
    paras.insert(2, paras.pop(30))
    for b in ("\n".join(paras), _long(50_000)):  # lightly edited, and unrelated
        t = time.process_time()
        word_diff(a, b)
        assert time.process_time() - t < 1.0


def test_over_the_budget_is_a_message_not_a_wait() -> None:
    with pytest.raises(TooLong, match="longer than"):
        word_diff("a " * MAX_CHARS, "b")


def test_one_word_is_one_word_and_a_moved_sentence_is_moved() -> None:
    d = word_diff("The U.S. Army said so. Boeing's jet flew.\nA second paragraph here.",
                  "A second paragraph here.\nThe U.S. Army said so. Boeing 's jet flew.")
    assert [(s.kind, s.text) for s in d.copy[1].spans] == [
        ("same", "The U.S. Army said so. "), ("ins", "Boeing 's "), ("same", "jet flew. ")]
    assert d.copy[0].spans[0].kind == "moved" and d.original[1].spans[0].kind == "moved"
    assert d.words_added == 2 and d.words_removed == 1 and d.sentences_moved == 1


def test_sentences_do_not_end_at_initials_or_titles() -> None:
    assert sentences("The U.S. Army met Mr. Smith. He left.") == [
        "The U.S. Army met Mr. Smith. ", "He left."]


def test_counts_are_said_in_the_right_number() -> None:
    from wiretrace.api.page import counted
    assert [counted(n, "word") for n in (0, 1, 2)] == ["0 words", "1 word", "2 words"]
