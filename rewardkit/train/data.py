"""Training and held-out data: hub datasets, local files, ``builtin:arith``, and adapters for known sets.

Every source ends as a ``datasets.Dataset`` with the same columns: ``question`` (problem text),
``solution`` (gold final answer), ``reference`` (a full reference solution, may be empty),
``language`` (``en``, ``vi`` or empty) and ``prompt`` (what TRL feeds the model: chat messages or a
string). The source's other columns stay, so rewards can read them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rewardkit.train import arith
from rewardkit.train.config import DatasetSettings

if TYPE_CHECKING:
    from datasets import Dataset

LOCAL_FORMATS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
STANDARD_COLUMNS = ("question", "solution", "reference", "language")
MAX_GOLD_CHARS = 500  # a longer "gold" is a parsing accident, not an answer


class DataError(Exception):
    """The dataset cannot be loaded or lacks what the recipe asks for."""


@dataclass
class Splits:
    train: Dataset
    eval: Dataset


# ---- gold extraction for known datasets -------------------------------------------------------

_ANSWER_IS = re.compile(r"(?:the answer is|answer)\s*:?\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_GSM = re.compile(r"####\s*(.+?)\s*$", re.MULTILINE)


def answer_is_gold(text: str) -> str:
    """The gold after the last "The answer is: X" (MetaMathQA's English responses).

    Example:
        >>> answer_is_gold("2 + 2 = 4\\nThe answer is: 4")
        '4'
    """
    matches = _ANSWER_IS.findall(text or "")
    return matches[-1].rstrip(".").strip()[:MAX_GOLD_CHARS] if matches else ""


def gsm8k_gold(text: str) -> str:
    """The number after GSM8K's ``####``, without thousands commas.

    Example:
        >>> gsm8k_gold("... so 1,200 in all.\\n#### 1,200")
        '1200'
    """
    matches = _GSM.findall(text or "")
    return matches[-1].replace(",", "").strip()[:MAX_GOLD_CHARS] if matches else ""


def last_boxed(text: str) -> str:
    """The content of the last ``\\boxed{...}`` (or ``\\fbox{...}``), braces matched.

    Example:
        >>> last_boxed(r"so $x = \\boxed{\\frac{1}{2}}$.")
        '\\\\frac{1}{2}'
    """
    text = text or ""
    start = max(text.rfind("\\boxed"), text.rfind("\\fbox"))
    if start < 0:
        return ""
    brace = text.find("{", start)
    if brace < 0:
        return ""
    depth = 0
    for i in range(brace, min(len(text), brace + 10 * MAX_GOLD_CHARS)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[brace + 1 : i].strip()
    return ""


@dataclass(frozen=True)
class Adapter:
    """How a known dataset maps onto the standard columns."""

    prompt: str
    reference: str | None
    gold_from: str
    gold: Callable[[str], str]
    language: str


ADAPTERS: dict[str, Adapter] = {
    # The Vietnamese side of the translated MetaMathQA has translation artifacts; the English
    # "The answer is: X" line is regular, so the gold comes from response_en.
    "metamathqa_vi": Adapter("query_vi", "response_vi", "response_en", answer_is_gold, "vi"),
    "metamathqa": Adapter("query", "response", "response", answer_is_gold, "en"),
    "gsm8k": Adapter("question", "answer", "answer", gsm8k_gold, "en"),
    "math": Adapter("problem", "solution", "solution", last_boxed, "en"),
}


# ---- loading -----------------------------------------------------------------------------------


def _missing(column: str, available: list[str], what: str) -> DataError:
    close = difflib.get_close_matches(column, available, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return DataError(f"{what}: column {column!r} not in the dataset{hint} (columns: {', '.join(available)})")


def _load_source(settings: DatasetSettings, split: str, base_dir: Path) -> Dataset:
    from datasets import load_dataset

    source = settings.source
    path = Path(source).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    suffix = path.suffix.lower()
    try:
        if suffix in LOCAL_FORMATS or path.is_file():
            if not path.is_file():
                raise DataError(f"dataset file {source!r} not found (looked for {path})")
            kind = LOCAL_FORMATS.get(suffix)
            if kind is None:
                raise DataError(f"dataset file {source!r}: use .jsonl, .json, .csv or .parquet")
            # a local file is one split; `split` only names it
            return load_dataset(kind, data_files=str(path), split="train")
        return load_dataset(source, settings.subset, split=split)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(f"cannot load dataset {source!r} (split {split!r}): {type(exc).__name__}: {exc}") from exc


class _Normalize:
    """Row mapper onto the standard columns (a class, so ``datasets.map`` can fingerprint and pickle it)."""

    def __init__(self, settings: DatasetSettings) -> None:
        self.settings = settings
        self.adapter = ADAPTERS.get(settings.adapter or "")

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        s, a = self.settings, self.adapter
        question: Any
        solution: Any
        language: Any
        if a is not None:
            question = row.get(a.prompt) or ""
            solution = a.gold(str(row.get(a.gold_from) or ""))
            reference = str(row.get(a.reference) or "") if a.reference else ""
            language = a.language
        else:
            cols = s.columns
            question = row.get(cols.prompt) or ""
            solution = row.get(cols.solution)
            reference = str(row.get(cols.reference or "reference") or "")
            language = row.get(cols.language or "language")
        return {
            "question": "" if question is None else str(question),
            "solution": "" if solution is None else str(solution).strip()[:MAX_GOLD_CHARS],
            "reference": "" if reference is None else str(reference),
            "language": str(language or s.language or ""),
        }


def _required_columns(settings: DatasetSettings) -> dict[str, str]:
    if settings.adapter:
        a = ADAPTERS[settings.adapter]
        needed = {"prompt (adapter)": a.prompt, "gold (adapter)": a.gold_from}
        if a.reference:
            needed["reference (adapter)"] = a.reference
        return needed
    needed = {"columns.prompt": settings.columns.prompt, "columns.solution": settings.columns.solution}
    for key in ("reference", "language"):
        value = getattr(settings.columns, key)
        if value:
            needed[f"columns.{key}"] = value
    return needed


def normalize(ds: Dataset, settings: DatasetSettings) -> Dataset:
    """Map a loaded dataset onto the standard columns, checking the mapped columns exist first."""
    available = list(ds.column_names)
    for what, column in _required_columns(settings).items():
        if column not in available:
            raise _missing(column, available, f"dataset.{what}")
    # Existing question/solution/... columns are overwritten by the mapping; make them strings first,
    # or datasets keeps their old type (a CSV's integer `solution` would turn "0" back into 0).
    from datasets import Value

    for column in STANDARD_COLUMNS:
        if column in available and ds.features[column] != Value("string"):
            ds = ds.cast_column(column, Value("string"))
    mapped = ds.map(_Normalize(settings), desc="normalizing")
    return mapped.filter(lambda row: bool(row["question"]) and bool(row["solution"]))


def render_prompt(row: dict[str, Any], settings: DatasetSettings) -> str | list[dict[str, str]]:
    """The prompt TRL sees for a row: chat messages (conversational) or one string (standard)."""
    try:
        user = settings.prompt_template.format_map(_Row(row))
    except (KeyError, IndexError, ValueError) as exc:
        raise DataError(f"dataset.prompt_template: {exc}") from exc
    if settings.format == "standard":
        return f"{settings.system_prompt}\n\n{user}" if settings.system_prompt else user
    messages = [{"role": "system", "content": settings.system_prompt}] if settings.system_prompt else []
    return [*messages, {"role": "user", "content": user}]


class _Row(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"the template uses {{{key}}} but rows have no such column (columns: {', '.join(self)})")


class _AddPrompt:
    def __init__(self, settings: DatasetSettings) -> None:
        self.settings = settings

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"prompt": render_prompt(row, self.settings)}


def _with_prompts(ds: Dataset, settings: DatasetSettings) -> Dataset:
    if len(ds):
        render_prompt(ds[0], settings)  # fail early, with the message, on a bad template
    return ds.map(_AddPrompt(settings), desc="rendering prompts")


HELD_OUT_SEED_OFFSET = 10_007  # builtin:arith's held-out problems come from the stream seeded seed + this


def builtin_splits(settings: DatasetSettings, seed: int) -> Splits:
    """Generate ``builtin:arith`` training and held-out problems; no held-out question is in training."""
    from datasets import Dataset

    cfg = settings.arith
    common: dict[str, Any] = {
        "level": cfg.difficulty,
        "languages": cfg.languages,
        "graded_fraction": cfg.graded_fraction,
        "two_step_fraction": cfg.two_step_fraction,
        "working_fraction": cfg.working_fraction,
    }
    held_out = arith.generate(settings.eval_size, seed=seed + HELD_OUT_SEED_OFFSET, **common)
    size = min(cfg.size, settings.limit or cfg.size)
    train = arith.generate(size, seed=seed, exclude={p.question for p in held_out}, **common)
    return Splits(Dataset.from_list([p.as_row() for p in train]), Dataset.from_list([p.as_row() for p in held_out]))


def load_splits(settings: DatasetSettings, *, seed: int = 0, base_dir: Path | None = None) -> Splits:
    """Load the training data and the held-out evaluation data, both with rendered prompts.

    Args:
        settings: the recipe's ``train.dataset`` section.
        seed: shuffles the held-out carve-out (and seeds ``builtin:arith``).
        base_dir: folder that relative file paths are resolved against (the recipe's folder).

    Returns:
        ``Splits(train, eval)``; held-out questions never appear in ``train``.

    Raises:
        DataError: the source cannot be loaded or lacks a mapped column.
    """
    base_dir = base_dir or Path.cwd()
    if settings.is_builtin:
        splits = builtin_splits(settings, seed)
        train, held_out = splits.train, splits.eval
    else:
        train = normalize(_load_source(settings, settings.split, base_dir), settings)
        if settings.eval_split:
            held_out = normalize(_load_source(settings, settings.eval_split, base_dir), settings)
            held_out = held_out.select(range(min(settings.eval_size, len(held_out))))
        else:
            if len(train) < 2:
                raise DataError(f"dataset {settings.source!r} has {len(train)} usable rows; need at least 2")
            n_eval = min(settings.eval_size, len(train) // 5 or 1)
            shuffled = train.shuffle(seed=seed)
            held_out = shuffled.select(range(n_eval))
            train = shuffled.select(range(n_eval, len(shuffled)))
        held_questions = set(held_out["question"])
        train = train.filter(lambda row: row["question"] not in held_questions)
        if settings.limit:
            train = train.select(range(min(settings.limit, len(train))))
    if len(train) == 0:
        raise DataError(f"dataset {settings.source!r}: no training rows left after holding out the eval set")
    return Splits(_with_prompts(train, settings), _with_prompts(held_out, settings))
