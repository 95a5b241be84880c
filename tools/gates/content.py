"""The `content` gate: every content file reads without errors (the editors' own
`invoke check`)."""

from pathlib import Path

from tintuc_tools.gates.base import Finding


def check_content(content: Path, settings: dict | None = None) -> list[Finding]:
    """Errors in the content folder, as the editors' `invoke check` reports them."""
    from tintuc import checker

    findings = []
    for problem in checker.check_folder(content, settings or {}):
        if problem.is_error:
            message = problem.message + (f". Cách sửa: {problem.hint}" if problem.hint else "")
            findings.append(Finding(str(problem.path), int(problem.line or 0), message))
    return findings
