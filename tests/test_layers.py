"""The packages depend one way: the import-linter contracts in pyproject.toml (the layers
of docs/development.md) hold, counting imports inside functions."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_layers_import_contracts_are_kept(capsys):
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                          no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
