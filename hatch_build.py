"""Hatchling build hook: compile the Babel catalogues (.po -> .mo) into the build.

The compiled files are not kept in git; every wheel and every editable install gets
them fresh from the committed .po files. The wheel's force-include of translations/
(pyproject.toml) then carries them, since hooks run before files are collected.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "translations"
        for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as fh:
                catalog = read_po(fh)
            mo_path = po_path.with_suffix(".mo")
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
