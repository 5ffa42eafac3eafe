"""Diacritics: the share of words written with Vietnamese marks, less a penalty for words whose marks were dropped.

Vietnamese typed without marks (``Vay dap an la 5``) reads as Vietnamese to a language detector
but is not proper Vietnamese. Shares are taken over distinct words, so repeating a marked filler
word cannot buy the score back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rewardkit_vi.words import A, D, E, N, U, V, Words, X

MAX_SHOWN = 5


@dataclass(frozen=True, slots=True)
class DiacriticsResult:
    """``score`` in 0..1, or ``None`` when the text has no word to judge."""

    score: float | None
    share: float = 0.0
    judged: int = 0
    missing_marks: list[str] = field(default_factory=list)
    unmarked_runs: list[str] = field(default_factory=list)
    foreign_share: float = 0.0
    foreign_words: list[str] = field(default_factory=list)


def diacritics(
    words: Words, target_share: float = 0.45, missing_penalty: float = 4.0, min_words: int = 0, run_words: int = 3
) -> DiacriticsResult:
    """``min(1, share / target_share) * (1 - min(1, missing_penalty * dropped / judged))`` over distinct words.

    ``share`` is the share of judged words that carry Vietnamese marks; judged words are Vietnamese
    (marked, unmarked-but-valid, or with dropped marks), English, and accented words of other
    languages (``área``, ``dépensé``: a mark makes a word Vietnamese only when the word spells a
    Vietnamese syllable); names, units, acronyms and variables are not judged. When such foreign
    words occur, ``foreign_share`` is their share, with the unknown Latin words (``resposta``), among
    those and the marked Vietnamese words: above one half the text is another Latin-script language
    (Portuguese, French, Czech), which ``vi.language`` treats as a leak. Texts with fewer than
    ``min_words`` judged words, all unmarked but valid Vietnamese (``Cho x = 5``), score 1; the
    default 0 never does: without a mark, short text is judged like any other (``Ket qua`` scores 0).
    ``unmarked_runs`` lists the stretches of ``run_words`` or more unmarked words
    with two dropped-mark words among them (``dap an la``): a sentence typed without marks, which
    ``vi.language`` treats as a leak.

    Example:
        >>> from rewardkit_vi.words import tokenize
        >>> diacritics(tokenize("Vậy đáp án là 5")).score, diacritics(tokenize("Vay dap an la 5")).score
        (1.0, 0.0)
        >>> r = diacritics(tokenize("Il y a 3 élèves, donc la réponse est 3."))
        >>> r.foreign_words, r.foreign_share
        (['élèves', 'réponse'], 1.0)
    """
    counts = words.type_counts()
    marked, dropped, foreign = counts[V], counts[D], counts[X]
    english = counts[E] + counts[U] + foreign
    judged = marked + dropped + english + counts[A]
    if judged == 0:
        return DiacriticsResult(None)
    share = marked / judged
    if marked == 0 and dropped == 0 and english == 0 and judged < min_words:
        return DiacriticsResult(1.0, share, judged)
    missing = list(dict.fromkeys(w.lower() for w, c in words.types().items() if c == D))[:MAX_SHOWN] if dropped else []
    score = min(1.0, share / target_share) * (1.0 - min(1.0, missing_penalty * dropped / judged))
    runs = _unmarked_runs(words, run_words) if dropped >= 2 else []
    if not foreign:
        return DiacriticsResult(max(0.0, score), share, judged, missing, runs)
    shown = list(dict.fromkeys(w.lower() for w, c in words.types().items() if c == X))[:MAX_SHOWN]
    foreign_share = (foreign + counts[U]) / (foreign + counts[U] + marked)
    return DiacriticsResult(max(0.0, score), share, judged, missing, runs, foreign_share, shown)


def _unmarked_runs(words: Words, run_words: int) -> list[str]:
    """Stretches of unmarked Vietnamese words (names allowed) holding at least two dropped-mark words."""
    runs: list[str] = []
    start = length = dropped = 0
    classes = words.classes
    for i in range(len(classes) + 1):
        cls = classes[i] if i < len(classes) else V
        if cls in (D, A, N):
            length += 1
            dropped += cls == D
            continue
        if dropped >= 2 and length >= run_words and len(runs) < MAX_SHOWN:
            dropped_at = [j for j in range(start, i) if classes[j] == D]  # show it from dropped word to dropped word
            runs.append(" ".join(words.tokens[dropped_at[0] : dropped_at[-1] + 1])[:60])
        start, length, dropped = i + 1, 0, 0
    return runs
