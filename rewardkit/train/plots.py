"""``rewards.png``: the reward total and each component over GRPO steps, and accuracy before and after."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_run(path: Path, records: list[dict[str, Any]], ids: list[str], report: dict[str, Any]) -> Path | None:
    """Draw the run's rewards and accuracies into ``path`` (PNG). Returns None when matplotlib is missing.

    Args:
        path: the image to write.
        records: ``metrics.jsonl`` records (GRPO ones carry ``reward`` and ``rewards/<id>/mean``).
        ids: the recipe's reward ids, in order.
        report: the ``report.json`` document (accuracies before/after).

    Returns:
        ``path``, or None when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display on servers and CI
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    grpo = [r for r in records if r.get("phase") == "grpo" and isinstance(r.get("reward"), (int, float))]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    if grpo:
        steps = [r["step"] for r in grpo]
        left.plot(steps, [r["reward"] for r in grpo], color="black", linewidth=2.2, label="total (weighted)")
        for rid in ids:
            key = f"rewards/{rid}/mean"
            points = [(r["step"], r[key]) for r in grpo if isinstance(r.get(key), (int, float))]
            if points:
                left.plot(*zip(*points, strict=True), linewidth=1.3, label=rid)
        left.legend(fontsize=8, loc="lower right")
    else:
        left.text(0.5, 0.5, "no GRPO logs", ha="center", va="center", transform=left.transAxes)
    left.set_xlabel("GRPO step")
    left.set_ylabel("mean reward")
    left.set_title("rewards during GRPO")
    left.grid(alpha=0.3)

    labels, strict, lenient = [], [], []
    for key, label in (("base", "base model"), ("before_grpo", "before GRPO"), ("after_grpo", "after GRPO")):
        prefix = "accuracy_" + key if key != "base" else "accuracy_base"
        if report.get(prefix) is not None:
            labels.append(label)
            strict.append(100 * report[prefix])
            lenient_key = "lenient_base" if key == "base" else f"lenient_{key}"
            lenient.append(100 * (report.get(lenient_key) or 0.0))
    if labels:
        xs = range(len(labels))
        bars1 = right.bar([x - 0.2 for x in xs], strict, width=0.4, label="strict (format + answer)")
        bars2 = right.bar([x + 0.2 for x in xs], lenient, width=0.4, label="lenient (answer, any format)")
        for bars in (bars1, bars2):
            for bar in bars:
                right.annotate(
                    f"{bar.get_height():.0f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
        right.set_xticks(list(xs), labels)
        right.set_ylim(0, 105)
        right.legend(fontsize=8, loc="upper left")
    right.set_ylabel("held-out accuracy (%)")
    right.set_title(f"greedy accuracy, {report.get('eval_size', '?')} held-out problems")
    fig.tight_layout()
    from rewardkit.train.outputs import OutputError, atomic_path

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    return path
