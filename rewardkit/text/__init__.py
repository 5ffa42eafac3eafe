"""Text utilities shared by rewards: normalisation, number reading, Vietnamese specifics.

Part of the public plugin API (the one documented submodule besides :mod:`rewardkit`): third-party
rewards should use these rather than re-implement them, and import them from here.
"""

from rewardkit.text.normalize import normalize_text, strip_latex_and_code
from rewardkit.text.numbers import MAX_LITERAL_DIGITS, NumberLiteral, count_conventions, detect_convention, scan_number
from rewardkit.text.vi import VI_LETTERS, VI_MARKED_LETTERS, ascii_syllable_kind, check_syllable, strip_marks
from rewardkit.text.vi_numwords import parse_vi_number_phrase

__all__ = [
    "MAX_LITERAL_DIGITS",
    "VI_LETTERS",
    "VI_MARKED_LETTERS",
    "NumberLiteral",
    "ascii_syllable_kind",
    "check_syllable",
    "count_conventions",
    "detect_convention",
    "normalize_text",
    "parse_vi_number_phrase",
    "scan_number",
    "strip_latex_and_code",
    "strip_marks",
]
