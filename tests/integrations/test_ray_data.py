"""``score_ray_dataset``: the same recipe with Ray Data's ``map_batches`` on a local two-CPU Ray instance."""

from __future__ import annotations

import pytest
from dataset_rows import rows

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'rewardkit[ray]')")
pytest.importorskip("ray.data", reason="the ray extra is not installed (pip install 'rewardkit[ray]')")

from rewardkit.integrations.ray_data import score_ray_dataset  # noqa: E402
from rewardkit.recipe import load_recipe  # noqa: E402
from rewardkit.score import score_rows  # noqa: E402

pytestmark = pytest.mark.xdist_group("ray")  # one local Ray instance at a time


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def test_map_batches_on_two_actors_matches_offline_scores(local_ray, recipe_path):
    data = rows(40)
    ds = ray.data.from_items(data)
    scored = score_ray_dataset(ds, recipe_path, concurrency=2, batch_size=8, outcomes=True).take_all()
    scored.sort(key=lambda row: int(row["answer"]))
    assert [row["reward_correct"] for row in scored] == [0.0 if i % 3 == 0 else 1.0 for i in range(40)]
    offline = score_rows(load_recipe(recipe_path), data)
    assert [row["reward_total"] for row in scored] == pytest.approx([r.total for r in offline])
    assert {row["reward_fmt_outcome"] for row in scored} == {"ok"}


def test_isolation_and_timeouts_hold_inside_ray_workers(local_ray, fault_recipe):
    ds = ray.data.from_items([{"completion": "ok:0.5"}, {"completion": "sleep"}, {"completion": "ok:1"}])
    scored = score_ray_dataset(ds, fault_recipe, concurrency=1, outcomes=True).take_all()
    by_text = {row["completion"]: row for row in scored}
    assert by_text["sleep"]["reward_inject_outcome"] == "error:timeout"
    assert by_text["ok:0.5"]["reward_inject"] == 0.5 and by_text["ok:1"]["reward_inject"] == 1.0
