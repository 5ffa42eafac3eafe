"""Scoring whole datasets with a recipe: Hugging Face ``datasets`` and Ray Data.

Both apply the same :class:`~rewardkit.integrations.columns.ColumnScorer` to batches of columns, so a
row scores the same through ``rewardkit score``, ``Dataset.map`` and ``ray.data.Dataset.map_batches``.
Neither module is imported by rewardkit itself: ``datasets`` and ``ray`` load only when you use them.
See docs/scoring-datasets.md.
"""
