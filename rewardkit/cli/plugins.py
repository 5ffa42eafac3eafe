"""The plugin commands: ``plugins``, ``rewards`` and ``new-plugin``."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import click

from rewardkit.cli.common import console, fail, guard

_PLUGIN_OPTION = click.option(
    "--plugin",
    "local_plugins",
    multiple=True,
    metavar="PATH|MODULE",
    help="Also load this local plugin: a .py file or a module name, as in a recipe's plugins: (repeatable).",
)


def _load_local(refs: tuple[str, ...]) -> list[str]:
    """Register ``--plugin`` files/modules (paths relative to the working directory); their plugin names."""
    from rewardkit.plugins import load_local_plugins

    return load_local_plugins(list(refs), Path.cwd()) if refs else []


# --------------------------------------------------------------------------- plugins


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_PLUGIN_OPTION
@guard
def plugins(show_all: bool, as_json: bool, local_plugins: tuple[str, ...]) -> None:
    """List installed plugins and what each registers."""
    from rewardkit.plugins import BUILTIN_PLUGINS, failures, get_plugin_manager, get_registry

    _load_local(local_plugins)
    pm = get_plugin_manager()
    registry = get_registry()
    rows: list[dict[str, Any]] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None or (name in BUILTIN_PLUGINS and not show_all):
            continue
        rows.append(
            {
                "name": name,
                "builtin": name in BUILTIN_PLUGINS,
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                "rewards": sorted(s.name for s in registry.rewards.values() if s.plugin == name),
                "extractors": sorted(s.name for s in registry.extractors.values() if s.plugin == name),
                "probes": sorted(s.name for s in registry.probes.values() if s.plugin == name),
                "error": None,
            }
        )
    for failure in failures().values():  # disabled plugins: listed with why (they were warned about on stderr)
        rows.append(
            {
                "name": failure.name,
                "builtin": False,
                "hooks": [],
                "rewards": [],
                "extractors": [],
                "probes": [],
                "error": failure.reason,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No third-party plugins installed (use --all to include the built-ins).")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("plugin", "rewards", "extractors", "probes")
    for row in rows:
        label = row["name"] + (" (built-in)" if row["builtin"] else "")
        if row["error"]:
            table.add_row(label, f"[red]failed to load:[/red] {escape(row['error'])}", "", "")
            continue
        table.add_row(label, "\n".join(row["rewards"]), "\n".join(row["extractors"]), "\n".join(row["probes"]))
    console().print(table)


# --------------------------------------------------------------------------- rewards


def param_roles(model: Any) -> dict[str, dict[str, Any]]:
    """The markers of a params model, by field: ``{"gold": {"role": "column", "gold": True}}``."""
    from rewardkit.params import ParamRole, marked_fields

    out: dict[str, dict[str, Any]] = {}
    for field_name, marker in marked_fields(model, ParamRole):
        out[field_name] = {"role": marker.role_name, **dataclasses.asdict(marker)}  # type: ignore[call-overload]
    return out


def reward_info(spec: Any) -> dict[str, Any]:
    """``rewards --json``: the params schema carries each marker as ``x-rewardkit-role``, and ``roles`` lists them."""
    schema = spec.params_model.model_json_schema()
    roles = param_roles(spec.params_model)
    for field_name, role in roles.items():
        prop = schema.get("properties", {}).get(field_name)
        if isinstance(prop, dict):
            prop["x-rewardkit-role"] = role
    return {
        "name": spec.name,
        "plugin": spec.plugin,
        "summary": spec.summary,
        "doc": spec.doc,
        "cheap": spec.cheap,
        "params_schema": schema,
        "roles": roles,
    }


def _role_text(role: dict[str, Any] | None) -> str:
    if not role:
        return ""
    extra = [f"{k}={v}" for k, v in role.items() if k != "role" and v not in (False, None)]
    return role["role"] + (f" ({', '.join(extra)})" if extra else "")


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: params schema (with markers) and docs.")
@_PLUGIN_OPTION
@guard
def rewards(name: str | None, as_json: bool, local_plugins: tuple[str, ...]) -> None:
    """List rewards, or show one reward's params and documentation."""
    from rewardkit.plugins import get_registry

    loaded = _load_local(local_plugins)
    registry = get_registry()
    if name:
        specs = [registry.reward(name)]
    else:
        specs = [registry.rewards[k] for k in sorted(registry.rewards)]
        if loaded:  # `rewards --plugin ./mine.py`: what that file registers
            specs = [s for s in specs if s.plugin in loaded]
            if not specs:
                hint = "is register_rewards decorated with @rewardkit.hookimpl?"
                fail(f"{', '.join(local_plugins)}: registers no rewards ({hint})")
    if as_json:
        data = [reward_info(s) for s in specs]
        click.echo(json.dumps(data[0] if name else data, indent=2, default=str))
        return
    out = console()
    from rich.table import Table

    if not name:
        table = Table("reward", "plugin", "summary")
        for spec in specs:
            table.add_row(spec.name, spec.plugin, spec.summary)
        out.print(table)
        return
    spec = specs[0]
    out.print(f"[bold]{spec.name}[/bold]  (plugin {spec.plugin}; {'inline' if spec.cheap else 'isolated'} by default)\n")
    out.print(spec.doc or "(no documentation)", markup=False, soft_wrap=True)
    roles = param_roles(spec.params_model)
    table = Table("param", "type", "default", "role", "description", title="params")
    for field_name, info in spec.params_model.model_fields.items():
        default = "required" if info.is_required() else repr(info.get_default(call_default_factory=True))
        annotation = getattr(info.annotation, "__name__", None) or str(info.annotation).replace("typing.", "")
        table.add_row(field_name, annotation, default, _role_text(roles.get(field_name)), info.description or "")
    out.print(table)


# --------------------------------------------------------------------------- new-plugin

_NAME = re.compile(r"^[a-z][a-z0-9_-]*[a-z0-9]$")


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the NAME/ folder.",
)
def new_plugin(name: str, directory: Path) -> None:
    """Write a plugin package: a reward, its cases, a recipe, a test.

    NAME is the project name (lower case, e.g. ``my-rewards``): the package is ``my_rewards``, its
    rewards are ``my_rewards.*`` and its entry point in the ``rewardkit`` group is ``my_rewards``.
    Run ``pytest`` in the new folder: the test and the case file pass as written.
    """
    from rewardkit.cli.scaffold import plugin_files

    if not _NAME.match(name):
        fail(f"new-plugin: {name!r} is not a plugin name: use lower-case letters, digits, '-' and '_', starting with a letter")
    root = directory / name
    if root.exists() and any(root.iterdir()):
        fail(f"new-plugin: {root} exists and is not empty")
    files = plugin_files(name)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    module = name.replace("-", "_")
    click.echo(f"wrote {root}/")
    for relative in files:
        click.echo(f"  {relative}")
    click.echo(
        "\nnext:\n"
        f"  cd {root}\n"
        "  pip install -e .                 # or: PYTHONPATH=. pytest\n"
        "  pytest                           # the unit test and the case file\n"
        f"  rewardkit rewards {module}.contains_answer\n"
        f"  rewardkit probe recipes/{module}.yaml"
    )
