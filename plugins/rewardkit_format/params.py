"""Parameters of the format rewards: which tags, and how the completion may end."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from rewardkit import AnswerTag, ReasoningOpenedInPrompt, ReasoningTag, RewardParams

TAG_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.:\-]{0,63}$"

# End-of-sequence markers that appear as text when a trainer decodes with special tokens kept.
DEFAULT_EOS_MARKERS: tuple[str, ...] = (
    "<|im_end|>",  # Qwen / ChatML
    "<|endoftext|>",  # GPT-2, Qwen padding
    "<|eot_id|>",  # Llama 3
    "<|end_of_text|>",  # Llama 3 base
    "</s>",  # Llama 2, Mistral
    "<｜end▁of▁sentence｜>",  # DeepSeek-R1
    "<end_of_turn>",  # Gemma
    "<eos>",  # Gemma
    "<|end|>",  # Phi-3
)

Check = Literal["duplicate", "nested", "empty", "stray", "unclosed"]
ALL_CHECKS: tuple[Check, ...] = ("duplicate", "nested", "empty", "stray", "unclosed")


class TagParams(RewardParams):
    """Tag settings shared by every format reward."""

    reasoning_tag: Annotated[str | None, ReasoningTag(required=True)] = Field(
        "think", pattern=TAG_PATTERN, description="Tag wrapping the reasoning; null when no reasoning block is expected"
    )
    answer_tag: Annotated[str, AnswerTag(required=True)] = Field(
        "answer", pattern=TAG_PATTERN, description="Tag wrapping the final answer"
    )
    think_opened_in_prompt: Annotated[bool, ReasoningOpenedInPrompt()] = Field(
        False,
        description="The chat template already opens the reasoning tag in the prompt (DeepSeek-R1, Qwen3), "
        "so the completion starts inside the reasoning block and must not open it again",
    )
    eos_markers: tuple[str, ...] = Field(
        DEFAULT_EOS_MARKERS, description="End-of-sequence markers ignored (with whitespace) at the end of a completion"
    )

    @field_validator("eos_markers")
    @classmethod
    def _sane_markers(cls, markers: tuple[str, ...]) -> tuple[str, ...]:
        if len(markers) > 32 or any(not marker or len(marker) > 64 for marker in markers):
            raise ValueError("eos_markers takes at most 32 non-empty markers of at most 64 characters")
        return markers

    @model_validator(mode="after")
    def _consistent(self) -> TagParams:
        if self.reasoning_tag is not None and self.reasoning_tag == self.answer_tag:
            raise ValueError("reasoning_tag and answer_tag must differ")
        if self.think_opened_in_prompt and self.reasoning_tag is None:
            raise ValueError("think_opened_in_prompt needs a reasoning_tag")
        return self


class TagsParams(TagParams):
    """Parameters of ``format.tags``."""

    mode: Literal["strict", "soft"] = Field(
        "strict",
        description="strict: the whole completion is the reasoning block then the answer block, nothing else, "
        "no duplicated or empty blocks; soft: both blocks appear in order somewhere",
    )


class TagCountParams(TagParams):
    """Parameters of ``format.tag_count``."""

    trailing_penalty_per_char: float = Field(
        0.001, ge=0, le=1, description="Subtracted per character of text after the last closing answer tag"
    )
    duplicate_penalty: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Subtracted per extra occurrence of a tag (or any occurrence of an opening tag the prompt already wrote)",
    )


class GuardParams(TagParams):
    """Parameters of ``format.guard``."""

    checks: tuple[Check, ...] = Field(ALL_CHECKS, min_length=1, description="Which problems fail the guard")
