"""The layers hold (docs/architecture.md): import-linter's contracts in pyproject.toml
are kept, only the engine imports Whoosh, and the few imports made inside functions are
there for a reason each one states."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "archive"
MAX_FUNCTION_IMPORTS = 10


def _python_files():
    return [path for path in ARCHIVE.rglob("*.py") if "migrations" not in path.parts]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_only_the_engine_imports_whoosh():
    outside = []
    for path in _python_files():
        if (ARCHIVE / "search") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            outside += [f"{path}:{node.lineno}" for name in names if name.split(".")[0] == "whoosh"]
    assert outside == []


def test_imports_inside_functions_are_few_and_each_says_why():
    found, unexplained = [], []
    for path in _python_files():
        lines = path.read_text().splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append(where)
                    before = [line.strip() for line in lines[: node.lineno - 1] if line.strip()]
                    explained = "#" in lines[node.lineno - 1] or (
                        before and before[-1].startswith("#")
                    )
                    if not explained:
                        unexplained.append(where)
    assert len(found) <= MAX_FUNCTION_IMPORTS, found
    assert unexplained == []
