"""Content problems: one type for everything the reader and `invoke check` report."""

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
_LEVEL_WORDS = {ERROR: "lỗi", WARNING: "cảnh báo"}


@dataclass(frozen=True)
class Problem:
    """One problem in one file, told to an editor in Vietnamese.

    `code` is stable and English, for tools (`invoke check --json`) and tests.
    """

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {_LEVEL_WORDS[self.level]}: {self.message}"
        return f"{text}. Cách sửa: {self.hint}" if self.hint else text

    def as_dict(self) -> dict:
        return asdict(self)


class ContentError(Exception):
    """Raised when a file has errors; each problem was already reported on its own."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class Explained(Exception):
    """An error whose message tells the reader everything, in Vietnamese: no traceback needed."""
