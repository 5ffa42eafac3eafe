"""English code-switching: runs of English words inside Vietnamese text.

A run is a stretch of words with no Vietnamese word in it. It is English when it holds an English
word and at least ``min_run`` English or unknown Latin words (``has … apples``); names, units and
variables inside it do not count, and short English terms in parentheses or quotes were removed
before (``số nguyên tố (prime number)``). A lone English word outside a run still counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rewardkit_vi.words import A, D, E, F, N, U, V, Words, X

MAX_SHOWN = 3
SPAN_CHARS = 60


@dataclass(frozen=True, slots=True)
class EnglishResult:
    """``score`` in 0..1 (``None`` without words); ``sentences``: runs of ``sentence_words`` or more words."""

    score: float | None
    english_words: int = 0
    sentences: int = 0
    spans: list[str] = field(default_factory=list)


def no_english(words: Words, penalty: float = 3.0, min_run: int = 2, sentence_words: int = 2) -> EnglishResult:
    """``1 - min(1, penalty * english / (english + other))``, ``other`` counted over distinct words.

    Example:
        >>> from rewardkit_vi.words import tokenize
        >>> r = no_english(tokenize("Vậy tổng là 15. The answer is 15."))
        >>> r.sentences, r.spans
        (1, ['The answer is'])
    """
    tokens, classes = words.tokens, words.classes
    if E not in classes:  # every English run holds an English word: the common case costs one scan
        return EnglishResult(1.0 if tokens else None)
    english = sentences = 0
    spans: list[str] = []
    run_start = e = u = 0
    for i in range(len(classes) + 1):
        cls = classes[i] if i < len(classes) else V
        if cls == E:
            e += 1
        elif cls == U:
            u += 1
        elif cls not in (A, N, X):  # a Vietnamese word, dropped-mark word, foreign script or the end closes the run
            if e:
                # The run proper spans its first to last English/unknown word: unmarked Vietnamese words
                # and names at its edges are not part of it ("... học sinh Now we divide ...").
                inside = [j for j in range(run_start, i) if classes[j] in (E, U)]
                first, last = inside[0], inside[-1]
                if e + u >= min_run:
                    english += sum(1 for j in range(first, last + 1) if classes[j] not in (N, X))
                    sentences += last - first + 1 >= sentence_words
                    if len(spans) < MAX_SHOWN:
                        spans.append(" ".join(tokens[first : last + 1])[:SPAN_CHARS])
                else:
                    english += e
                    if len(spans) < MAX_SHOWN:
                        spans.append(next(tokens[j] for j in inside if classes[j] == E))
            run_start, e, u = i + 1, 0, 0
    counts = words.type_counts()
    other = counts[V] + counts[D] + counts[A] + counts[F] + counts[X]
    if english == 0:
        return EnglishResult(1.0 if other or tokens else None)
    score = max(0.0, 1.0 - penalty * english / (english + other))
    return EnglishResult(score, english, sentences, spans)
