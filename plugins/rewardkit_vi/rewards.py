"""The Vietnamese rewards: ``vi.script_purity``, ``vi.diacritics``, ``vi.no_english``, ``vi.syllables``,
``vi.language``, ``vi.answer_marker`` and ``vi.number_convention``.

Each scores 0..1 on NFC text with LaTeX and code removed (numbers keep their LaTeX), is a pure
standard-library computation (``cheap = True``), and says why in ``details``. Saying nothing is not
Vietnamese: a completion with no word to judge (``42``, ``\\boxed{17}``, ``$x = 4$``) scores
``if_no_words`` (0.0) on the prose checks, and one without a single Vietnamese letter scores
``if_no_vietnamese`` (0.0) on ``vi.answer_marker`` and ``vi.number_convention``; a recipe that accepts
number-only working opts in with 1.0.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from rewardkit import Outcome, Reward, Sample
from rewardkit.text import normalize_text, strip_latex_and_code
from rewardkit_vi.convention import number_convention
from rewardkit_vi.diacritics import diacritics
from rewardkit_vi.english import no_english
from rewardkit_vi.markers import VI_KINDS, has_english_marker, has_vietnamese_letter, last_marker, lead_in
from rewardkit_vi.params import (
    AnswerMarkerParams,
    DiacriticsParams,
    LanguageParams,
    NoEnglishParams,
    NumberConventionParams,
    ScriptPurityParams,
    SyllablesParams,
    TextParams,
)
from rewardkit_vi.parts import blocks, prose, select_part
from rewardkit_vi.script import script_purity
from rewardkit_vi.syllables import syllables
from rewardkit_vi.words import N, Words, tokenize

TP = TypeVar("TP", bound=TextParams)


class _ProseReward(Reward[TP], Generic[TP]):
    """Shared set-up of the prose checks: read the chosen part and split it into classified words."""

    cheap = True

    def words(self, sample: Sample) -> Words:
        p = self.params
        return tokenize(
            prose(sample.completion, p.part, reasoning_tag=p.reasoning_tag, answer_tag=p.answer_tag, max_chars=p.max_chars)
        )

    @staticmethod
    def has_words(words: Words) -> bool:
        """Whether the text holds a word to judge: names, units, variables and single letters are not words."""
        return any(cls != N for cls in words.classes)

    def no_words(self, **details: Any) -> Outcome:
        """The completion says nothing to judge (``42``, ``\\boxed{17}``, ``$x = 4$``, ``Anna``): ``if_no_words`` (0)."""
        if self.params.if_no_words is None:
            return Outcome.skip("no words to judge", **details)
        return Outcome.ok(self.params.if_no_words, reason="no words to judge", **details)


def _no_vietnamese(value: float | None, **details: Any) -> Outcome:
    """A completion without a single Vietnamese letter is not Vietnamese: ``if_no_vietnamese`` (0)."""
    if value is None:
        return Outcome.skip("no Vietnamese letter", **details)
    return Outcome.ok(value, rule="no_vietnamese", **details)


class ScriptPurityReward(_ProseReward[ScriptPurityParams]):
    """Penalises letters of non-Latin scripts (Han, Kana, Hangul, Cyrillic, Thai ...) and full-width CJK punctuation.

    Catches the single-token leaks of Qwen-class models (``27 人``, ``，所以``) that whole-text language
    detectors miss. Greek letters and math symbols are allowed; LaTeX and code are not read.
    Score: ``1 - min(1, penalty * foreign / letters)``, letters counted over distinct words.

    Args:
        params (`ScriptPurityParams`): ``penalty`` (20: 5 % foreign letters scores 0), ``punctuation``
            (count ``，。：``), ``hard`` (0 for any foreign letter), and the shared ``part``,
            ``reasoning_tag``, ``answer_tag``, ``if_no_words`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["offending"]`` lists the foreign spans.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import ScriptPurityReward
        >>> reward = ScriptPurityReward()
        >>> reward(completions=["Ta có 2 + 3 = 5 quả táo.", "所以答案是5"])
        [1.0, 0.0]
        >>> reward.score(Sample("Vậy lớp có 27 人 học sinh, tổng cộng 30 người.")).details["offending"]
        ['人']
    """

    __name__ = "vi_script_purity"

    def score(self, sample: Sample) -> Outcome:
        words = self.words(sample)
        p = self.params
        result = script_purity(words, p.penalty, p.punctuation, p.hard)
        if result.foreign == 0 and not self.has_words(words):
            return self.no_words()
        if result.foreign == 0:
            return Outcome.ok(1.0)
        return Outcome.ok(
            result.score, foreign=result.foreign, letters=result.letters, offending=result.offending, scripts=result.scripts
        )


class DiacriticsReward(_ProseReward[DiacriticsParams]):
    """The share of words written with Vietnamese marks, less a penalty for words whose marks were dropped.

    Vietnamese typed without marks (``Vay dap an la 5``, and short ``Ket qua: 7/12`` too: marks are what
    show Vietnamese) scores 0; partial marks (``Vậy dap an la 5``) score low. Names, units, acronyms and
    variables are not judged, so ``x = 5`` has no word and scores ``if_no_words`` (0); shares are over
    distinct words, so repeated filler cannot raise the score.
    Score: ``min(1, share / target_share) * (1 - min(1, missing_penalty * dropped / judged))``.

    Args:
        params (`DiacriticsParams`): ``target_share`` (0.45), ``missing_penalty`` (4), ``min_words``
            (0: short unmarked text is judged, not waved through), and the shared ``part``,
            ``reasoning_tag``, ``answer_tag``, ``if_no_words`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["missing_marks"]`` lists unmarked Vietnamese words.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import DiacriticsReward
        >>> reward = DiacriticsReward()
        >>> reward(completions=["Vậy đáp án là 5.", "Kết quả: 7/12", "Vay dap an la 5.", "Ket qua: 7/12", "x = 5"])
        [1.0, 1.0, 0.0, 0.0, 0.0]
        >>> reward.score(Sample("Vậy số táo còn lai la 5 qua.")).details["missing_marks"]
        ['lai', 'la']
    """

    __name__ = "vi_diacritics"

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        result = diacritics(self.words(sample), p.target_share, p.missing_penalty, p.min_words)
        if result.score is None:
            return self.no_words()
        details: dict[str, Any] = {"share": round(result.share, 3), "judged": result.judged}
        if result.share == 0.0:
            details["reason"] = "no marked Vietnamese word"
        if result.missing_marks:
            details["missing_marks"] = result.missing_marks
        return Outcome.ok(result.score, **details)


class NoEnglishReward(_ProseReward[NoEnglishParams]):
    """Penalises runs of English words inside Vietnamese text (code-switching to English).

    Names (``Anna``), units (``km``), acronyms, math functions and short English terms in
    parentheses or quotes (``số nguyên tố (prime number)``) pass. Score:
    ``1 - min(1, penalty * english_words / words)``, words counted over distinct words.

    Args:
        params (`NoEnglishParams`): ``penalty`` (3), ``min_run`` (2), and the shared ``part``,
            ``reasoning_tag``, ``answer_tag``, ``if_no_words`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["english"]`` lists the English spans.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import NoEnglishReward
        >>> reward = NoEnglishReward()
        >>> reward(completions=["Anna có 5 quả táo (apples).", "First, we add 2 and 3 to get 5."])
        [1.0, 0.0]
        >>> reward.score(Sample("Ta cộng hai số lại. Now we divide by 2 to get the average.")).details["english"]
        ['Now we divide by to get the average']
    """

    __name__ = "vi_no_english"

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        words = self.words(sample)
        if not self.has_words(words):
            return self.no_words()
        result = no_english(words, p.penalty, p.min_run)
        if not result.english_words:
            return Outcome.ok(1.0)
        assert result.score is not None  # English words found: no_english computed a score
        return Outcome.ok(result.score, english_words=result.english_words, english=result.spans)


class SyllablesReward(_ProseReward[SyllablesParams]):
    """The share of marked words that are well-formed Vietnamese syllables.

    Each marked word must carry at most one tone mark, parse as a legal onset + rhyme (``k/gh/ngh``
    before ``i e ê y`` only), put only sắc or nặng on a stop coda (``p t c ch``) and place the tone
    on the right vowel; the old (``hòa``, ``thủy``) and new (``hoà``, ``thuỷ``) placements both pass.
    Catches garbled output such as ``ngừoi``, ``đựoc``, ``baì``, ``càt``, ``nghành``.
    Score: ``clip((share - floor) / (full - floor), 0, 1)``.

    Args:
        params (`SyllablesParams`): ``floor`` (0), ``full`` (1), and the shared ``part``,
            ``reasoning_tag``, ``answer_tag``, ``if_no_words`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["invalid"]`` maps bad words to the rule they break.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import SyllablesReward
        >>> reward = SyllablesReward()
        >>> reward(completions=["Người ta hòa hợp, khoẻ mạnh.", "Ngừoi ta đựoc 5 quả táo ngon."])
        [1.0, 0.5]
        >>> reward.score(Sample("Ngừoi ta đựoc 5 quả táo ngon.")).details["invalid"]
        {'ngừoi': 'rhyme', 'đựoc': 'rhyme'}
    """

    __name__ = "vi_syllables"

    def score(self, sample: Sample) -> Outcome:
        result = syllables(self.words(sample))
        if result.share is None:
            return self.no_words()
        p = self.params
        value = min(1.0, max(0.0, (result.share - p.floor) / (p.full - p.floor)))
        if not result.invalid:
            return Outcome.ok(value, checked=result.checked)
        return Outcome.ok(value, share=round(result.share, 3), checked=result.checked, invalid=result.invalid)


class LanguageReward(_ProseReward[LanguageParams]):
    """Whether the text is proper Vietnamese: script purity × diacritics × no English, capped on leaks.

    Proper, marked Vietnamese math reasoning scores ≥ 0.8 (numbers, LaTeX, English names and titles,
    and parenthesised English terms allowed) and short marked answers (``Đáp án: 5``, ``Chọn C``) are not
    penalised. Saying nothing is not Vietnamese: no word to judge (``42``, ``\\boxed{17}``, ``$x = 4$``)
    scores ``if_no_words`` (0), and text with no marked word (``Ket qua: 7/12``, ``Vay x = 3``) scores 0.
    English, Chinese, other Latin-script languages (``área``, ``dépensé``: marks that spell
    no Vietnamese syllable), Vietnamese without marks, and Vietnamese with an English sentence or any
    Chinese character mixed in score ≤ 0.2: each kind of leak multiplies the score by ``leak_cap``,
    so filler cannot dilute a leak away. Keep its weight below
    correctness' (language rewards that outweigh it cost accuracy).

    Args:
        params (`LanguageParams`): ``leak_cap`` (0.2), ``sentence_words`` (2), ``foreign_share`` (0.5), the component
            settings ``script_penalty``, ``target_share``, ``missing_penalty``, ``english_penalty``,
            ``min_run``, ``syllables`` (also multiply by the syllable share), and the shared
            ``part``, ``reasoning_tag``, ``answer_tag``, ``if_no_words`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details`` hold each component and the evidence.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import LanguageReward
        >>> reward = LanguageReward()
        >>> reward(completions=[
        ...     "Ta có $2 + 3 = 5$. Vậy đáp án là 5.",
        ...     "Chọn C",
        ...     "42",
        ...     "Ket qua: 7/12",
        ...     "Vay dap an la 5.",
        ...     "Lan có 2 quả táo, mẹ cho thêm 3 quả, 所以 Lan có 5 quả.",
        ...     "Lan có 2 quả táo, mẹ cho thêm 3 quả. So the answer is 5.",
        ... ])
        [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.02]
        >>> reward.score(Sample("Lan có 2 quả táo, mẹ cho thêm 3 quả, 所以 Lan có 5 quả.")).details["leaks"]
        ['foreign_script']
    """

    __name__ = "vi_language"

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        words = self.words(sample)
        script = script_purity(words, p.script_penalty)
        if script.foreign == 0 and not self.has_words(words):
            return self.no_words()
        marks = diacritics(words, p.target_share, p.missing_penalty, min_words=0, run_words=p.unmarked_run_words)
        english = no_english(words, p.english_penalty, p.min_run, p.sentence_words)
        marks_score = 1.0 if marks.score is None else marks.score
        english_score = 1.0 if english.score is None else english.score
        value = script.score * marks_score * english_score
        details: dict[str, Any] = {
            "script": round(script.score, 3),
            "diacritics": round(marks_score, 3),
            "english": round(english_score, 3),
        }
        leaks = []
        if script.foreign:
            leaks.append("foreign_script")
            details["offending"] = script.offending
        if english.sentences:
            leaks.append("english_sentence")
        if marks.unmarked_runs:
            leaks.append("unmarked_sentence")
            details["unmarked"] = marks.unmarked_runs
        if marks.foreign_words:
            details["foreign_words"] = marks.foreign_words
            if marks.foreign_share > p.foreign_share:
                leaks.append("foreign_latin")
        if english.spans:
            details["english_spans"] = english.spans
        if marks.missing_marks:
            details["missing_marks"] = marks.missing_marks
        if marks.score is not None and marks.share == 0.0:
            details["reason"] = "no marked Vietnamese word"
        if p.syllables:
            syl = syllables(words)
            if syl.share is not None:
                value *= syl.share
                details["syllables"] = round(syl.share, 3)
        if leaks:
            details["leaks"] = leaks
            value *= p.leak_cap ** len(leaks)
        return Outcome.ok(round(value, 6), **details)


class AnswerMarkerReward(Reward[AnswerMarkerParams]):
    """Whether the final answer sits under a Vietnamese marker.

    The last marker in the last ``tail_lines`` lines decides: a Vietnamese marker (``Đáp án:``,
    ``Đáp số``, ``Kết quả``, ``Câu trả lời là``, ``Chọn C``, ``Vậy … là``) or a ``\\boxed{}`` led in by
    Vietnamese text scores 1; an answer tag holding a bare value scores ``tag_score`` (1); a bare
    ``\\boxed{}`` or ``####`` scores ``bare_score`` (0.5), the artifact ``\\đóng hộp{`` ``artifact_score``
    (0.5); an English marker (``The answer is``, ``Final answer``, ``Answer:``) or no marker scores 0.
    A tag or bare answer in a completion without a single Vietnamese letter (``\\boxed{17}`` alone,
    English reasoning then ``<answer>42</answer>``) is not a Vietnamese answer: ``if_no_vietnamese`` (0).

    Args:
        params (`AnswerMarkerParams`): ``answer_tag``, ``tail_lines`` (3), ``bare_score``,
            ``tag_score``, ``artifact_score``, ``if_no_vietnamese`` (0.0), ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["rule"]`` names the marker that decided.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import AnswerMarkerReward
        >>> reward = AnswerMarkerReward()
        >>> reward(completions=["2 + 3 = 5\\nĐáp án: 5", "2 + 3 = 5\\nThe answer is: 5", "$\\\\boxed{5}$", "2 + 3 = 5"])
        [1.0, 0.0, 0.0, 0.0]
        >>> reward.score(Sample("$\\\\boxed{5}$")).details["rule"]
        'no_vietnamese'

        >>> reward.score(Sample("Vậy số táo là 5.\\nThe answer is: 5")).details["rule"]
        'english_marker'
    """

    __name__ = "vi_answer_marker"
    cheap = True

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        completion = sample.completion
        text = normalize_text(completion[-p.max_chars :] if len(completion) > p.max_chars else completion)
        text = strip_latex_and_code(text, latex=False)
        tagged = False
        if p.answer_tag:
            spans = blocks(text, p.answer_tag)
            if spans:
                start, end = spans[-1]
                tagged = bool(text[start:end].strip())
                text = text[:end]
            text = text.replace(f"<{p.answer_tag}>", "\n").replace(f"</{p.answer_tag}>", "\n")
        marker = last_marker(text, p.tail_lines)
        vietnamese = has_vietnamese_letter(text)
        if marker is None:
            if tagged:
                if not vietnamese:
                    return _no_vietnamese(p.if_no_vietnamese)
                return Outcome.ok(p.tag_score, rule="answer_tag")
            return Outcome.ok(0.0, rule="no_marker")
        details = {"marker": marker.text[:40]}
        if marker.kind in VI_KINDS:
            return Outcome.ok(1.0, rule="vietnamese_marker", **details)
        if marker.kind == "en":
            return Outcome.ok(0.0, rule="english_marker", **details)
        before = lead_in(text, marker.start)
        if has_english_marker(before):
            return Outcome.ok(0.0, rule="english_marker", **details)
        if marker.kind == "artifact":
            return Outcome.ok(p.artifact_score, rule="boxed_artifact", **details)
        if has_vietnamese_letter(before):
            return Outcome.ok(1.0, rule="boxed_after_vietnamese", **details)
        if not vietnamese:
            return _no_vietnamese(p.if_no_vietnamese, **details)
        return Outcome.ok(p.bare_score, rule="bare_" + marker.kind, **details)


class NumberConventionReward(Reward[NumberConventionParams]):
    """Whether the completion keeps one number convention, the prompt's when the prompt shows one.

    Vietnamese writes ``2,5`` and ``1.200.000``, English ``2.5`` and ``1,200,000``; ``1.234`` alone
    decides nothing. Detection is the math judge's (``rewardkit.text.numbers``). Scores 1 for one
    convention or no unambiguous number, ``mixed_score`` (0.5) for both, ``mismatch_score`` (0) for
    the other convention than expected, and ``if_no_vietnamese`` (0) when the completion holds no
    Vietnamese letter at all (``42``, English reasoning): its numbers are nobody's Vietnamese. Numbers
    inside LaTeX count; code is not read. Weight it small.

    Args:
        params (`NumberConventionParams`): ``expected`` (``prompt``, ``vi``, ``en`` or ``any``),
            ``mixed_score``, ``mismatch_score``, ``if_no_vietnamese`` (0.0), ``part``, ``reasoning_tag``,
            ``answer_tag``, ``max_chars``.

    Returns:
        `list[float]`: the score per completion; ``details["rule"]`` says which case applied.

    Example:
        >>> from rewardkit import Sample
        >>> from rewardkit_vi import NumberConventionReward
        >>> reward = NumberConventionReward()
        >>> reward(prompts=["Giá 2,5 triệu"] * 3, completions=["Vậy là 2.500.000 đồng", "Ta có 2,5 + 1.5 = 4", "2.5 million"])
        [1.0, 0.5, 0.0]
        >>> reward.score(Sample("Ta có 2,5 + 1.5 = 4")).details["rule"]
        'mixed'
    """

    __name__ = "vi_number_convention"
    cheap = True

    def score(self, sample: Sample) -> Outcome:
        p = self.params
        text = normalize_text(sample.completion[: p.max_chars])
        if not has_vietnamese_letter(strip_latex_and_code(text, latex=False)):
            return _no_vietnamese(p.if_no_vietnamese)
        text = strip_latex_and_code(select_part(text, p.part, p.reasoning_tag, p.answer_tag), latex=False)
        prompt = strip_latex_and_code(normalize_text(sample.prompt[: p.max_chars]), latex=False) if sample.prompt else ""
        result = number_convention(text, prompt, p.expected, p.mixed_score, p.mismatch_score)
        return Outcome.ok(
            result.score,
            rule=result.rule,
            convention=result.completion,
            expected=result.expected,
            vi_literals=result.vi_literals,
            en_literals=result.en_literals,
        )
