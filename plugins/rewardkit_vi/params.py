"""Parameter models of the Vietnamese rewards (pydantic: unknown keys are errors, values are validated)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rewardkit import AnswerTag, ReasoningTag, RewardParams

Part = Literal["reasoning", "answer", "all"]


class TextParams(RewardParams):
    """What every prose check shares: which part to read, the tags, and the no-words policy."""

    part: Part = Field(
        "all",
        description="Part of the completion to judge: 'reasoning' (the <think> block, or the text before the answer tag or "
        "final answer marker), 'answer' (the last <answer> block, or the text from the final marker on) or 'all'",
    )
    reasoning_tag: Annotated[str, ReasoningTag()] = Field("think", description="Tag wrapping the reasoning")
    answer_tag: Annotated[str, AnswerTag()] = Field("answer", description="Tag wrapping the final answer")
    if_no_words: float | None = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Score when the part holds no word to judge (only numbers, LaTeX, code, names or variables: "
        "'42', '\\boxed{17}', '$x = 4$'): 0 by default, so saying nothing earns nothing; 1.0 accepts number-only "
        "working (opt in per recipe); null skips the completion",
    )
    max_chars: int = Field(50_000, gt=0, description="Judge at most this many leading characters of the completion")


class ScriptPurityParams(TextParams):
    penalty: float = Field(
        20.0, gt=0.0, description="Score lost per foreign letter, relative to the text's letters: 20 means 5% foreign scores 0"
    )
    punctuation: bool = Field(True, description="Count full-width CJK punctuation and digits (，。：２) as foreign")
    hard: bool = Field(False, description="Score 0 for any foreign letter")


class DiacriticsParams(TextParams):
    target_share: float = Field(
        0.45, gt=0.0, le=1.0, description="Share of marked words that scores full marks (clean math text has about 0.8)"
    )
    missing_penalty: float = Field(
        4.0, ge=0.0, description="Score lost per word with dropped marks (la, duoc), relative to the judged words"
    )
    min_words: int = Field(
        0,
        ge=0,
        description="Below this many judged words, a text of only unmarked but valid Vietnamese words ('Cho x = 5') "
        "scores 1; 0 (the default) never: without a mark such text cannot be told from Vietnamese with dropped marks",
    )


class NoEnglishParams(TextParams):
    penalty: float = Field(3.0, gt=0.0, description="Score lost per English word, relative to all words")
    min_run: int = Field(2, ge=1, description="English or unknown Latin words a run needs to count as a whole")


class SyllablesParams(TextParams):
    floor: float = Field(0.0, ge=0.0, lt=1.0, description="Share of well-formed marked words that scores 0")
    full: float = Field(
        1.0,
        gt=0.0,
        le=1.0,
        description="Share that scores 1; linear in between (e.g. floor 0.9, full 0.99 punishes only garbling)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> SyllablesParams:
        if self.full <= self.floor:
            raise ValueError("full must be greater than floor")
        return self


class LanguageParams(TextParams):
    leak_cap: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Factor on the score when foreign-script letters or an English sentence are found, "
        "so such text scores at most this",
    )
    sentence_words: int = Field(
        2, ge=2, description="Words an English run needs to count as a leak (2: 'Final answer' already does)"
    )
    unmarked_run_words: int = Field(
        3, ge=2, description="Unmarked words in a row (two of them dropped-mark words) that count as a leak: 'dap an la'"
    )
    foreign_share: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Above this share of accented words that are not Vietnamese syllables (área, dépensé, součet) and "
        "unknown Latin words among them and the marked Vietnamese words, the text is another Latin-script language: a leak",
    )
    script_penalty: float = Field(20.0, gt=0.0, description="penalty of vi.script_purity")
    target_share: float = Field(0.45, gt=0.0, le=1.0, description="target_share of vi.diacritics")
    missing_penalty: float = Field(4.0, ge=0.0, description="missing_penalty of vi.diacritics")
    english_penalty: float = Field(3.0, gt=0.0, description="penalty of vi.no_english")
    min_run: int = Field(2, ge=1, description="min_run of vi.no_english")
    syllables: bool = Field(False, description="Also multiply by the share of well-formed syllables")


class AnswerMarkerParams(RewardParams):
    answer_tag: Annotated[str, AnswerTag()] = Field(
        "answer", description="Tag wrapping the final answer; a bare value in it scores tag_score"
    )
    tail_lines: int = Field(3, ge=1, description="The marker must start in this many last non-empty lines")
    bare_score: float = Field(0.5, ge=0.0, le=1.0, description=r"Score of \boxed{} or #### with no Vietnamese lead-in")
    tag_score: float = Field(1.0, ge=0.0, le=1.0, description="Score of an answer tag holding a bare value")
    artifact_score: float = Field(0.5, ge=0.0, le=1.0, description=r"Score of the translation artifact \đóng hộp{")
    if_no_vietnamese: float | None = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Score when the completion holds no Vietnamese letter at all (a bare '\\boxed{17}' or '42', "
        "English reasoning then <answer>42</answer>): it is not Vietnamese, whatever the answer's form; "
        "null skips the completion",
    )
    max_chars: int = Field(50_000, gt=0, description="Judge at most this many trailing characters of the completion")


class NumberConventionParams(RewardParams):
    part: Part = Field("all", description="Part of the completion to read numbers from")
    reasoning_tag: Annotated[str, ReasoningTag()] = Field("think", description="Tag wrapping the reasoning")
    answer_tag: Annotated[str, AnswerTag()] = Field("answer", description="Tag wrapping the final answer")
    expected: Literal["prompt", "vi", "en", "any"] = Field(
        "prompt",
        description="Convention the completion must use: the prompt's when it shows one ('prompt'), 'vi', 'en', or 'any'",
    )
    mixed_score: float = Field(0.5, ge=0.0, le=1.0, description="Score when both conventions appear")
    mismatch_score: float = Field(0.0, ge=0.0, le=1.0, description="Score when the completion uses the other convention")
    if_no_vietnamese: float | None = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Score when the completion holds no Vietnamese letter at all (a bare '\\boxed{17}' or '42', "
        "English reasoning then <answer>42</answer>): it is not Vietnamese, whatever its numbers; "
        "null skips the completion",
    )
    max_chars: int = Field(50_000, gt=0, description="Judge at most this many leading characters of the completion")
