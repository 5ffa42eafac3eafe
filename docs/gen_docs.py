"""Regenerate the generated docs: docs/rewards.md (built-in rewards) and docs/cli.md (command help).

Run `make docs` (or `python docs/gen_docs.py`); `tests/core/test_meta.py` fails when they are stale.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def rewards_markdown() -> str:
    from rewardkit.plugins import BUILTIN_PLUGINS, get_registry

    registry = get_registry()
    lines = [
        "# Built-in rewards",
        "",
        "Generated from the plugins' docstrings and params models by `docs/gen_docs.py`; do not edit by hand.",
        "`rewardkit rewards NAME` shows the same in the terminal.",
        "",
    ]
    specs = sorted((s for s in registry.rewards.values() if s.plugin in BUILTIN_PLUGINS), key=lambda s: s.name)
    lines += [f"- [`{s.name}`](#{s.name.replace('.', '')}): {s.summary}" for s in specs]
    for spec in specs:
        lines += [
            "",
            f"## {spec.name}",
            "",
            f"Plugin `{spec.plugin}`; runs {'inline' if spec.cheap else 'isolated in worker processes'} under `isolation: auto`.",
            "",
        ]
        lines += ["```text", spec.doc.strip() or "(no documentation)", "```", ""]
        fields = spec.params_model.model_fields
        if fields:
            lines += ["| param | default | description |", "|---|---|---|"]
            for name, info in fields.items():
                default = "required" if info.is_required() else f"`{info.get_default(call_default_factory=True)!r}`"
                description = (info.description or "").replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{name}` | {default} | {description} |")
        else:
            lines.append("No params.")
    return "\n".join(lines) + "\n"


def cli_markdown() -> str:
    from click.testing import CliRunner

    from rewardkit.cli import cli

    runner = CliRunner()
    lines = ["# CLI reference", "", "Generated from `rewardkit --help` by `docs/gen_docs.py`; do not edit by hand.", ""]
    lines += [
        "Exit codes: 0 success; 1 failed expectations (`test`, `probe --strict`) or a reward whose policy is `raise`;",
        "2 usage, recipe, rows or plugin errors (printed as `file:line: key.path: message`, never a traceback);",
        "130 interrupted (Ctrl-C; `score --format jsonl` has written only complete lines).",
        "",
    ]
    commands = [[]] + [[name] for name in cli.list_commands(None)]  # type: ignore[arg-type]
    for args in commands:
        result = runner.invoke(cli, [*args, "--help"], prog_name="rewardkit", terminal_width=100)
        title = "rewardkit " + " ".join(args) if args else "rewardkit"
        lines += [f"## `{title.strip()}`", "", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(lines)


def generated() -> dict[Path, str]:
    return {DOCS / "rewards.md": rewards_markdown(), DOCS / "cli.md": cli_markdown()}


def main() -> int:
    os.environ["REWARDKIT_PLUGINS"] = ""  # built-ins only
    os.environ["COLUMNS"] = "100"
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
