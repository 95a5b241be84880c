"""What every publishing gate shares: the gates' names and titles, a finding, a gate's
result and its report, and the timing of a check."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The project's folder: where node_modules/ and deploy/ are found by default.
PROJECT = Path(__file__).resolve().parents[2]

# The order gates run in: cheap ones first, so an operator waits least for the usual failures.
GATES = ("content", "build", "files", "links", "budget", "csp", "html")
OUTPUT_GATES = ("files", "links", "budget", "csp", "html")
GATE_TITLES = {
    "content": "kiểm tra nội dung",
    "build": "dựng trang, lỗi là dừng",
    "files": "không có liên kết tượng trưng hay tệp chạy được do người dùng tải lên",
    "links": "liên kết nội bộ và ảnh",
    "budget": "giới hạn dung lượng",
    "csp": "chính sách bảo mật nội dung (Content-Security-Policy)",
    "html": "HTML hợp lệ (Nu Html Checker)",
}
MAX_FINDINGS_SHOWN = 50


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the folder the gate checked
    line: int  # 0 when a line means nothing (a file's size)
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message


@dataclass
class GateResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # shown on success too (largest files, …)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings

    def report(self) -> str:
        title = GATE_TITLES.get(self.name, self.name)
        if self.skipped:
            return f"[{self.name}] {title}: BỎ QUA theo yêu cầu (--skip {self.name})."
        verdict = "đạt" if self.ok else f"KHÔNG ĐẠT ({len(self.findings)} lỗi)"
        lines = [f"[{self.name}] {title}: {verdict} ({self.seconds:.1f} s)"]
        # One broken link in a template repeats on every page: say it once, with where else.
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.message, []).append(finding)
        for shown, (_message, same) in enumerate(groups.items()):
            if shown == MAX_FINDINGS_SHOWN:
                lines.append(f"    … và {len(groups) - shown} lỗi khác nữa.")
                break
            line = f"    {same[0]}"
            if len(same) > 1:
                others = ", ".join(f"{f.path}:{f.line}" if f.line else f.path
                                   for f in same[1:4])
                more = ", …" if len(same) > 4 else ""
                line += f" (cùng lỗi ở {len(same) - 1} chỗ khác: {others}{more})"
            lines.append(line)
        lines += [f"    {note}" for note in self.notes]
        return "\n".join(lines)


def timed(name: str, check: Callable[[], list[Finding] | tuple[list[Finding], list[str]]]):
    start = time.perf_counter()
    outcome = check()
    findings, notes = outcome if isinstance(outcome, tuple) else (outcome, [])
    return GateResult(name, list(findings), time.perf_counter() - start, list(notes))


