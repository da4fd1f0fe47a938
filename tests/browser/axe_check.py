"""axe-core (the copy that axe-playwright-python ships) with the WCAG 2.1 A and AA
rules: JIS X 8341-3 level AA, which Japanese cities follow, matches WCAG 2.x AA. No rule
is disabled. axe is put into the page when it is checked, through the DevTools protocol
(so the page's CSP does not refuse it), and runs in the page."""

from functools import cache
from pathlib import Path

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    # only the violations come back to Python; every rule of the tags still runs
    "resultTypes": ["violations"],
}
RUN = "options => axe.run(document, options).then(results => results.violations)"


@cache
def axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def run_axe(page):
    """The axe violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN, AXE_OPTIONS)


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
