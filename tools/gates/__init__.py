"""The gates a built site passes before any byte of it is published (issue 6).

Each gate is a function that returns findings (file, line, message); a gate with findings has
failed. `tools/publish.py` runs them in order between the build and the deploy, and `invoke
verify` runs them alone. Messages are for the operator, in Vietnamese; gate names stay English
so that logs, docs and CI settings can name them.

One module per gate (content, files, links, budget, csp, html; the build gate is in
tools/publish.py); `base` holds what they share (Finding, GateResult, timed), `pages` the built
pages parsed once for links and csp, `run` the runner of the gates that read the output.

| gate    | checks                                                                      |
|---------|-----------------------------------------------------------------------------|
| content | every content file reads without errors (the editor's own `invoke check`)   |
| build   | Pelican builds with publishconf.py, errors fatal (in tools/publish.py)      |
| files   | no symbolic link in the output; no uploaded file a browser would run        |
| links   | every internal href/src/srcset/action, CSS url() and sitemap <loc> resolves |
| budget  | per-file size limits (HTML, CSS, JS, images) and the whole site's size      |
| csp     | the built pages need nothing the Content-Security-Policy forbids            |
| html    | the Nu Html Checker (vnu.jar) finds no error                                |
"""

from tintuc_tools.gates.base import (
    GATE_TITLES,
    GATES,
    OUTPUT_GATES,
    PROJECT,
    Finding,
    GateResult,
    timed,
)
from tintuc_tools.gates.budget import DEFAULT_BUDGET, check_budget
from tintuc_tools.gates.content import check_content
from tintuc_tools.gates.csp import (
    check_csp,
    csp_policy,
    parse_policy,
    policy_from_nginx,
    runtime_needs,
)
from tintuc_tools.gates.files import check_files
from tintuc_tools.gates.html import check_html, vnu_jar
from tintuc_tools.gates.links import SiteUrls, check_links
from tintuc_tools.gates.pages import BuiltSite, ParsedPage, Reference, parse_page
from tintuc_tools.gates.run import run_output_gates

__all__ = [
    "DEFAULT_BUDGET", "GATES", "GATE_TITLES", "OUTPUT_GATES", "PROJECT", "BuiltSite", "Finding",
    "GateResult", "ParsedPage", "Reference", "SiteUrls", "check_budget", "check_content",
    "check_csp", "check_files", "check_html", "check_links", "csp_policy", "parse_page",
    "parse_policy", "policy_from_nginx", "run_output_gates", "runtime_needs", "timed", "vnu_jar",
]
