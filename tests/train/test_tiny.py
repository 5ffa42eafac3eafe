"""builtin:tiny: the tokenizer keeps numbers and tags whole, reloads unchanged, and the folder is reused."""

from __future__ import annotations

from pathlib import Path

from rewardkit.train import arith
from rewardkit.train.config import TinyModelSettings
from rewardkit.train.tiny import FINGERPRINT_FILE, build_tokenizer, ensure_tiny_model, tokenizer_corpus

SMALL = TinyModelSettings(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1)


def _corpus(n: int = 2000) -> list[str]:
    return tokenizer_corpus((p.as_row() for p in arith.generate(n, seed=0, level="easy")), n)


def test_tokenizer_numbers_tags_and_chat_template() -> None:
    tok = build_tokenizer(_corpus(), 1024)
    completion = "<think>19 + 19 = 38</think><answer>38</answer>"
    ids = tok(completion, add_special_tokens=False)["input_ids"]
    pieces = tok.convert_ids_to_tokens(ids)
    assert "<think>" in pieces and "</answer>" in pieces
    assert len(ids) <= 13  # whole numbers are single tokens (the space before one is a token of its own)
    # the same number is the same token after "= " and after "<answer>": what the model knows of 38 in the
    # free-form answers it knows in the graded format (with " 38" and "38" apart, GRPO's switch to the
    # graded format cost the demo 5 points of accuracy)
    assert pieces.count("38") == 2
    assert tok.convert_ids_to_tokens(tok("The answer is 38.", add_special_tokens=False)["input_ids"]).count("38") == 1
    # tags are not special: TRL decodes with skip_special_tokens=True and must keep them
    assert tok.decode(ids, skip_special_tokens=True) == completion
    text = tok.apply_chat_template([{"role": "user", "content": "Lan có 3 quả táo."}], add_generation_prompt=True, tokenize=False)
    assert text == "<|im_start|>user\nLan có 3 quả táo.<|im_end|>\n<|im_start|>assistant\n"
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|pad|>" and tok.padding_side == "left"


def test_saved_folder_reloads_with_auto_classes_and_is_reused(tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    corpus = _corpus(500)
    folder, built = ensure_tiny_model(tmp_path / "base", SMALL, corpus, seed=0)
    assert built and (folder / FINGERPRINT_FILE).is_file()
    tok = AutoTokenizer.from_pretrained(folder)
    text = "Mai mua 8 hộp, mỗi hộp có 5 cây bút chì. <think>8 x 5 = 40</think><answer>40</answer>"
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.decode(ids) == text
    assert tok.convert_ids_to_tokens(ids).count("40") == 2  # the number-isolating pre-tokenizer survives the reload
    model = AutoModelForCausalLM.from_pretrained(folder)
    assert model.config.model_type == "llama" and model.config.vocab_size == len(tok)
    assert model.generation_config.eos_token_id == tok.eos_token_id
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_tiny_model(folder, SMALL, corpus, seed=0) == (folder, False)
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime
    assert ensure_tiny_model(folder, SMALL, corpus, seed=1)[1]  # another seed: rebuilt
