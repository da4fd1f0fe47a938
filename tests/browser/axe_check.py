"""axe-core (through axe-playwright-python) with the WCAG 2.1 A and AA rules: JIS X
8341-3 level AA, which Japanese cities follow, matches WCAG 2.x AA. No rule is
disabled."""

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    # only the violations come back to Python; every rule of the tags still runs
    "resultTypes": ["violations"],
}

_axe = None


def run_axe(page):
    """The axe violations on the page as it is now."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
                     f" <{violation.get('helpUrl', '')}>")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)
