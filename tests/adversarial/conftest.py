"""What the hostile-input tests share: a secret beside the content folder that must never
reach the output, and a look at what a build left outside its output folder."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "BÍ MẬT: khóa triển khai".encode()
# What a build may leave in a site's root folder besides the secret.
BUILD_FOLDERS = frozenset({"content", "output", "cache", "secret.txt", "secret.md"})


def plant_secret(root: Path) -> Path:
    """A file next to the content folder, as a deploy key is next to it on CI."""
    root.mkdir(parents=True, exist_ok=True)
    secret = root / "secret.txt"
    secret.write_bytes(SECRET)
    return secret


def files_outside(root: Path) -> list[str]:
    """Anything in `root` a build made outside its content, output and cache folders."""
    return sorted(path.name for path in root.iterdir() if path.name not in BUILD_FOLDERS)
