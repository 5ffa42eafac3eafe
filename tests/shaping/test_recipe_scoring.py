"""Shaping rewards inside a recipe: offline scores equal what each reward says on its own."""

from rewardkit import Sample
from rewardkit.recipe import loads_recipe
from rewardkit.score import score_samples

RECIPE = """
rewards:
  - {id: overlong, reward: shaping.soft_overlong, params: {max_length: 100, cache_length: 20}}
  - {id: repetition, reward: shaping.repetition, weight: 0.5, params: {ngram_size: 2}}
"""


def test_same_text_with_different_token_ids_scores_by_its_own_ids():
    # The engine deduplicates identical samples; token ids are part of the sample, so two
    # completions that decode to the same text but differ in length must not share a score.
    recipe = loads_recipe(RECIPE)
    samples = [Sample(completion="same text", completion_ids=list(range(n))) for n in (10, 90, 120)]
    rows = score_samples(recipe, samples)
    assert [r.rewards["overlong"] for r in rows] == [0.0, -0.5, -1.0]


def test_weighted_total_of_shaping_rewards():
    recipe = loads_recipe(RECIPE)
    [row] = score_samples(recipe, [Sample(completion="x", completion_ids=[5, 5, 5, 5, 5, *range(85)])])
    assert row.rewards["overlong"] == -0.5  # 90 tokens: halfway through the 20-token cache zone
    assert row.rewards["repetition"] == -(1 - 86 / 89)  # 89 bigrams, (5, 5) four times
    assert row.total == -0.5 + 0.5 * row.rewards["repetition"]
