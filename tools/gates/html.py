"""The `html` gate: the Nu Html Checker (vnu.jar) finds no error in the built pages."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tintuc_tools.gates.base import PROJECT, Finding

DEFAULT_VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_jar() -> Path:
    """The Nu Html Checker: $VNU_JAR if set, else the npm package `vnu-jar` of package.json."""
    return Path(os.environ.get("VNU_JAR") or DEFAULT_VNU_JAR)


def check_html(output: Path, jar: Path | None = None) -> list[Finding]:
    jar = jar or vnu_jar()
    java = shutil.which("java")
    if not jar.is_file() or java is None:
        missing = (f"không có {jar} (chạy `npm ci`, hoặc đặt biến VNU_JAR)" if not jar.is_file()
                   else "không có lệnh `java` (apt-get install default-jre-headless)")
        return [Finding("", 0, f"Không chạy được Nu Html Checker: {missing}.")]
    run = subprocess.run(
        [java, "-jar", str(jar), "--skip-non-html", "--errors-only", "--format", "json",
         str(output)],
        capture_output=True, text=True, timeout=1800,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        return [Finding("", 0, f"Nu Html Checker không chạy được: {run.stderr.strip()[-500:]}")]
    findings = []
    root = output.resolve()
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        try:
            shown = str(path.resolve().relative_to(root))
        except ValueError:
            shown = str(path)
        findings.append(Finding(shown, int(message.get("lastLine") or 0),
                                message.get("message", "").strip()))
    if run.returncode and not findings:
        findings.append(Finding("", 0, f"Nu Html Checker thoát với mã {run.returncode}."))
    return sorted(findings, key=lambda f: (f.path, f.line))
