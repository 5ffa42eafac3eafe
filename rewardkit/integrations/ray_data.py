"""Score a Ray Data dataset with a recipe: the same code on a laptop and on a cluster.

``ray.data.Dataset.map_batches`` runs a pool of actors; each builds one :class:`ColumnScorer`
(compiling the recipe and starting its own engine once), so the engine's isolation and timeouts hold
inside every Ray worker. Nothing here distributes work by itself: Ray schedules the actors. Install
with ``pip install 'rewardkit[ray]'``.

Example::

    import ray
    from rewardkit.integrations.ray_data import score_ray_dataset

    ds = ray.data.read_json("s3://bucket/samples/")
    scored = score_ray_dataset(ds, "my-judge.yaml", concurrency=16)
    scored.filter(lambda row: row["reward_correct"] == 1.0).write_json("s3://bucket/correct/")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rewardkit.integrations.columns import ColumnScorer
from rewardkit.recipe import Recipe


class RayScorer:
    """The actor ``map_batches`` builds: a :class:`ColumnScorer` applied to pandas batches."""

    def __init__(self, recipe: Recipe | str | Path, **options: Any) -> None:
        self.scorer = ColumnScorer(recipe, **options)

    def __call__(self, batch: Any) -> Any:
        columns = {name: batch[name].tolist() for name in batch.columns}
        for name, values in self.scorer(columns).items():
            batch[name] = values
        return batch


def score_ray_dataset(
    dataset: Any,
    recipe: Recipe | str | Path,
    *,
    concurrency: int = 2,
    batch_size: int = 512,
    num_cpus: float = 1,
    **options: Any,
) -> Any:
    """``dataset.map_batches`` with :class:`RayScorer` on ``concurrency`` actors; ``options`` as for :class:`ColumnScorer`.

    Each actor runs its isolated rewards in its own worker processes (``engine.workers`` of them):
    give the actors the CPUs those need with ``num_cpus``.
    """
    from ray.data import ActorPoolStrategy

    if isinstance(recipe, Path):
        recipe = str(recipe)
    return dataset.map_batches(
        RayScorer,
        fn_constructor_args=(recipe,),
        fn_constructor_kwargs=options,
        batch_size=batch_size,
        batch_format="pandas",
        compute=ActorPoolStrategy(size=concurrency),
        num_cpus=num_cpus,
    )
