"""Data loading: local files, column mapping, adapters for known datasets, held-out splits, prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewardkit.train.config import DatasetSettings
from rewardkit.train.data import DataError, answer_is_gold, gsm8k_gold, last_boxed, load_splits, render_prompt


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gold_extractors() -> None:
    assert answer_is_gold("Step...\nThe answer is: 42") == "42"
    assert answer_is_gold("The answer is: 1/2.") == "1/2"
    assert answer_is_gold("no marker here") == ""
    assert gsm8k_gold("Natalia sold 48/2 = 24 clips.\n#### 72") == "72"
    assert gsm8k_gold("#### 1,234") == "1234"
    assert last_boxed(r"first \boxed{1} then \boxed{\frac{a}{b}}") == r"\frac{a}{b}"
    assert last_boxed(r"\boxed{unclosed") == ""
    assert last_boxed("nothing") == ""


@given(st.text(alphabet="ab{}\\ 12", max_size=40))
def test_last_boxed_never_raises_and_returns_balanced_text(body: str) -> None:
    result = last_boxed(r"x \boxed{" + body + "}")
    assert result.count("{") == result.count("}") or result == ""


def test_local_jsonl_with_column_mapping_and_held_out_split(tmp_path: Path) -> None:
    rows = [{"q": f"What is {i} + 1?", "a": str(i + 1), "lang": "en"} for i in range(50)]
    path = _write_jsonl(tmp_path / "rows.jsonl", rows)
    settings = DatasetSettings(source=str(path), columns={"prompt": "q", "solution": "a", "language": "lang"}, eval_size=10)
    splits = load_splits(settings, seed=0)
    assert len(splits.eval) == 10 and len(splits.train) == 40
    assert not set(splits.train["question"]) & set(splits.eval["question"])
    row = splits.train[0]
    assert row["prompt"] == [{"role": "user", "content": row["question"]}]
    assert row["language"] == "en" and row["solution"] == str(int(row["question"].split()[2]) + 1)
    assert "q" in splits.train.column_names  # source columns stay for the rewards


def test_csv_and_parquet_and_relative_paths(tmp_path: Path) -> None:
    import datasets

    ds = datasets.Dataset.from_list([{"question": f"{i} + {i}?", "solution": str(2 * i)} for i in range(20)])
    ds.to_csv(str(tmp_path / "p.csv"))
    ds.to_parquet(str(tmp_path / "p.parquet"))
    for name in ("p.csv", "p.parquet"):
        splits = load_splits(DatasetSettings(source=name, eval_size=5), base_dir=tmp_path)
        assert len(splits.train) + len(splits.eval) == 20


def test_missing_column_suggests_the_close_name(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "rows.jsonl", [{"question": "1+1?", "soluton": "2"}] * 3)
    with pytest.raises(DataError, match=r"column 'solution'.*did you mean 'soluton'"):
        load_splits(DatasetSettings(source=str(path)))
    with pytest.raises(DataError, match="not found"):
        load_splits(DatasetSettings(source=str(tmp_path / "missing.jsonl")))


def test_metamathqa_vi_adapter_takes_the_gold_from_response_en(tmp_path: Path) -> None:
    rows = [
        {
            "query_vi": f"Tính {i} + {i}?",
            "response_vi": f"Ta có {i} + {i} = {2 * i}. Đáp án là: {2 * i}",
            "query_en": f"What is {i} + {i}?",
            "response_en": f"We have {i} + {i} = {2 * i}.\nThe answer is: {2 * i}",
            "type": "GSM_Rephrased",
        }
        for i in range(30)
    ]
    path = _write_jsonl(tmp_path / "mm.jsonl", rows)
    splits = load_splits(DatasetSettings(source=str(path), adapter="metamathqa_vi", eval_size=5))
    row = splits.train[0]
    i = int(row["question"].split()[1])
    assert row["solution"] == str(2 * i) and row["language"] == "vi"
    assert row["reference"].startswith("Ta có") and row["prompt"][-1]["content"] == row["question"]


def test_gsm8k_and_math_adapters(tmp_path: Path) -> None:
    gsm = _write_jsonl(tmp_path / "gsm.jsonl", [{"question": f"Q{i}?", "answer": f"work\n#### {i},000"} for i in range(10)])
    splits = load_splits(DatasetSettings(source=str(gsm), adapter="gsm8k", eval_size=2))
    assert all(r["solution"] == r["question"][1:-1] + "000" for r in splits.train)
    math = _write_jsonl(
        tmp_path / "math.jsonl", [{"problem": f"P{i}", "solution": rf"so \boxed{{\frac{{{i}}}{{2}}}}"} for i in range(10)]
    )
    splits = load_splits(DatasetSettings(source=str(math), adapter="math", eval_size=2))
    assert all(r["solution"] == rf"\frac{{{r['question'][1:]}}}{{2}}" for r in splits.train)


def test_rows_without_gold_are_dropped(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "gsm.jsonl",
        [{"question": "a?", "answer": "no marker"}] + [{"question": f"{i}?", "answer": "#### 1"} for i in range(9)],
    )
    splits = load_splits(DatasetSettings(source=str(path), adapter="gsm8k", eval_size=2))
    assert len(splits.train) + len(splits.eval) == 9


def test_prompt_template_system_prompt_and_standard_format() -> None:
    row = {"question": "2 + 2?", "topic": "sums"}
    chat = DatasetSettings(prompt_template="[{topic}] {question}", system_prompt="Answer in <answer> tags.")
    assert render_prompt(row, chat) == [
        {"role": "system", "content": "Answer in <answer> tags."},
        {"role": "user", "content": "[sums] 2 + 2?"},
    ]
    plain = DatasetSettings(format="standard", system_prompt="Be brief.")
    assert render_prompt(row, plain) == "Be brief.\n\n2 + 2?"
    with pytest.raises(DataError, match=r"\{nope\}"):
        render_prompt(row, DatasetSettings(prompt_template="{nope}"))


def test_builtin_arith_held_out_never_in_training() -> None:
    settings = DatasetSettings(eval_size=100, arith={"size": 500, "difficulty": "tiny"})
    splits = load_splits(settings, seed=7)
    assert len(splits.eval) == 100 and len(splits.train) == 500
    assert not set(splits.train["question"]) & set(splits.eval["question"])
    assert set(splits.train["language"]) == {"en", "vi"}
    again = load_splits(settings, seed=7)
    assert again.eval["question"] == splits.eval["question"]
