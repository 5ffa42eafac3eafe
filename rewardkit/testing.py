"""pytest plugin (entry point ``pytest11``): collects ``*.cases.yaml`` files and offers plugin fixtures.

Installed with rewardkit, so ``pytest`` in a project that ships case files runs them as test items,
one per case. Fixtures:

``rewardkit_plugin``
    ``rewardkit_plugin(obj, name=None)`` registers a temporary plugin (module, class or instance with
    ``@rewardkit.hookimpl`` methods) for the duration of the test. A plugin that is already registered
    (a package under test that is also installed, through its entry point) is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rewardkit.cases import CASES_SUFFIX, CaseFileError, CaseResult, load_case_file, run_case_file
from rewardkit.recipe import RecipeError


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(CASES_SUFFIX):
        return CasesFile.from_parent(parent, path=file_path)
    return None


class CaseFileFailure(Exception):
    pass


class CasesFile(pytest.File):
    """A case file; scoring runs once for the file, each case is an item."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            case_file = load_case_file(self.path)
        except (CaseFileError, RecipeError) as exc:
            yield BrokenCaseFile.from_parent(self, name="<load>", message=str(exc))
            return
        self._case_file = case_file
        self._results: dict[int, CaseResult] | None = None
        seen: dict[str, int] = {}
        for index, case in enumerate(case_file.cases):
            count = seen.get(case.name, 0)
            seen[case.name] = count + 1
            name = case.name if not count else f"{case.name} [{count + 1}]"
            yield CaseItem.from_parent(self, name=name, index=index)

    def results(self) -> dict[int, CaseResult]:
        if self._results is None:
            self._results = dict(enumerate(run_case_file(self._case_file)))
        return self._results


class CaseItem(pytest.Item):
    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, CasesFile)
        result = parent.results()[self.index]
        if not result.passed:
            raise CaseFileFailure("\n".join(result.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, CaseFileFailure):
            parent = self.parent
            assert isinstance(parent, CasesFile)
            case = parent._case_file.cases[self.index]
            return f"{case.where}: case {case.name!r} failed:\n  " + str(excinfo.value).replace("\n", "\n  ")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        parent = self.parent
        assert isinstance(parent, CasesFile)
        case = parent._case_file.cases[self.index]
        return self.path, case.where.line - 1, f"case: {self.name}"


class BrokenCaseFile(pytest.Item):
    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise CaseFileFailure(self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "case file"


@pytest.fixture
def rewardkit_plugin() -> Iterator[Callable[..., str]]:
    """Register temporary plugins; they are unregistered when the test ends."""
    from rewardkit.plugins import register_plugin, unregister_plugin

    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> str:
        plugin_name = name or f"undo-{getattr(plugin, '__name__', type(plugin).__name__)}-{len(names)}"
        if register_plugin(plugin, plugin_name):
            names.append(plugin_name)
        # else already registered (the package under test is also installed through its entry point):
        # it stays registered, and this test must not unregister what it did not register
        return plugin_name

    try:
        yield register
    finally:
        for name in reversed(names):
            unregister_plugin(name)
