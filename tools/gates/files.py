"""The `files` gate: no symbolic link in the output, no uploaded file a browser would run."""

import os
from pathlib import Path

from tintuc_tools.gates.base import Finding

# Where the site's own scripts live; a script anywhere else came with the content.
OWN_SCRIPT_FOLDERS = ("theme/", "pagefind/")


def check_files(output: Path, settings: dict | None = None) -> list[Finding]:
    """The output holds plain files only (a symbolic link could publish anything the server can
    read), and no uploaded file a browser would run (tintuc.active_content): whatever the
    build let through, nothing of the kind leaves this machine."""
    from tintuc import active_content

    settings = settings or {}
    static = tuple(f"{path.strip('/')}/" for path in settings.get("STATIC_PATHS") or ("images",))
    search = (settings.get("SEARCH_INDEX") or {}).get("folder") or "pagefind"
    own_scripts = (*OWN_SCRIPT_FOLDERS, f"{search.strip('/')}/")
    admin = settings.get("ADMIN_CMS") or {}
    if admin.get("enabled", True) and admin.get("path"):
        own_scripts += (f"{admin['path'].strip('/')}/",)  # the web editor (Decap CMS)
    findings = []
    for folder, folders, files in os.walk(output):
        for name in sorted(folders + files):
            path = Path(folder, name)
            relpath = path.relative_to(output).as_posix()
            if path.is_symlink():
                findings.append(Finding(relpath, 0, f"là liên kết tượng trưng (symlink) tới "
                                                    f"{os.readlink(path)}: không xuất bản"))
                continue
            if name not in files or not active_content.is_checked(name):
                continue
            suffix = path.suffix.lower()
            if suffix in (".js", ".mjs") and relpath.startswith(own_scripts):
                continue  # the theme's and Pagefind's own scripts
            if suffix in active_content.HTML_SUFFIXES and not relpath.startswith(static):
                continue  # the site's pages, which the csp and html gates read
            found = active_content.findings_for(name, path.read_bytes())
            if found:
                findings.append(Finding(relpath, found[0].line,
                                        active_content.describe(found)))
    return findings
