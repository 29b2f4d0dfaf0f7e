"""The texts' shapes a plan's role decisions take as given (:mod:`dedup.passages`).

Measured before a decision, never inside it (:func:`dedup.provenance.assign_roles` stays a
pure function of members and priors): only for the members whose containment of the text
they are measured against falls in :data:`dedup.scoring.SHAPE_BAND`, kept from a member's
stored verdict when it was measured against the same original (a verdict is made again
whenever either text changes), else on the texts: the batch's own, the others read from
Redis in one round trip a decision.
"""

from collections.abc import Callable, Mapping

from dedup.models import Verdict
from dedup.ordering import Choice
from dedup.passages import Shape, shape
from dedup.provenance import Member, reference
from dedup.scoring import PairScore, in_shape_band

ReadTexts = Callable[[list[str]], dict[str, str]]


class Shapes:
    """One plan's texts and the shapes measured on them."""

    def __init__(self, read_texts: ReadTexts | None) -> None:
        self.read_texts = read_texts  # None: no text is compared (roles by containment)
        self.texts: dict[str, str] = {}
        self._known: dict[tuple[str, str], Shape | None] = {}  # (member, reference)
        self.measured = 0  # pairs of texts compared

    def add_text(self, article_id: str, text: str) -> None:
        """An article of the batch: its text, new or changed (what the old one measured is
        forgotten)."""
        self.texts[article_id] = text
        for key in [k for k in self._known if article_id in k]:
            del self._known[key]

    def measure(self, members: list[Member], choice: Choice,
                pair: Callable[[Member, Member], PairScore],
                verdicts: Mapping[str, Verdict]) -> dict[str, Shape]:
        """Per member whose role containment alone does not decide, how it reproduces the
        text it is measured against (:func:`dedup.provenance.reference`). ``verdicts``: the
        members' verdicts so far (the cluster's before this decision)."""
        if self.read_texts is None or len(members) < 2:
            return {}
        ref = reference(members, choice)
        todo: list[Member] = []
        for m in members:
            if m.id == ref.id or (m.id, ref.id) in self._known or \
                    not in_shape_band(pair(m, ref).b_in_a):
                continue
            v = verdicts.get(m.id)
            if v is not None and choice.original == ref.id == v.original and \
                    v.left_out is not None and v.in_place is not None and \
                    v.in_article is not None and v.added is not None:
                self._known[(m.id, ref.id)] = Shape(v.left_out, v.in_place, v.in_article,
                                                    v.added)
            else:
                todo.append(m)
        missing = [i for i in dict.fromkeys([ref.id, *(m.id for m in todo)])
                   if i not in self.texts]
        if todo and missing:
            self.texts.update(self.read_texts(missing))
        for m in todo:
            ref_text, text = self.texts.get(ref.id), self.texts.get(m.id)
            found = shape(ref_text, text) if ref_text and text else None
            self.measured += found is not None
            self._known[(m.id, ref.id)] = found
        return {m.id: s for m in members if (s := self._known.get((m.id, ref.id))) is not None}
