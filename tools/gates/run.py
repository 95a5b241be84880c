"""Running the gates that read the built folder, one after the other."""

from collections.abc import Callable, Iterable
from pathlib import Path

from tintuc_tools.gates.base import OUTPUT_GATES, PROJECT, GateResult, timed
from tintuc_tools.gates.budget import check_budget
from tintuc_tools.gates.csp import check_csp, csp_policy, runtime_needs
from tintuc_tools.gates.files import check_files
from tintuc_tools.gates.html import check_html
from tintuc_tools.gates.links import check_links
from tintuc_tools.gates.pages import BuiltSite


def run_output_gates(output: Path, settings: dict, skip: Iterable[str] = (),
                     announce: Callable[[GateResult], None] = lambda result: None,
                     base: Path = PROJECT) -> list[GateResult]:
    """Every gate that reads the built folder, each reported as it ends; all of them run, so
    one run shows every problem there is."""
    skip = set(skip)
    results = []
    parsed: list[BuiltSite] = []

    def built_site() -> BuiltSite:
        # Pages are parsed once, by the first gate that reads them (its time includes it).
        if not parsed:
            parsed.append(BuiltSite.read(output, settings.get("SITEURL") or ""))
        return parsed[0]

    checks = {
        "files": lambda: check_files(output, settings),
        "links": lambda: check_links(built_site()),
        "budget": lambda: check_budget(output, settings.get("PUBLISH_BUDGET")),
        "csp": lambda: check_csp(built_site(), csp_policy(settings, base),
                                 runtime_needs(settings)),
        "html": lambda: check_html(output),
    }
    for name in OUTPUT_GATES:
        result = GateResult(name, skipped=True) if name in skip else timed(name, checks[name])
        announce(result)
        results.append(result)
    return results
