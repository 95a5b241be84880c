"""When an article is out: scheduled publishing and expiry (CONTRACT §1).

An article dated later than the build's clock is *scheduled*: treated as a draft, which no real
build writes or lists, until a build runs after its time (CI builds every hour). An article past
its `Hết hạn` is *expired*: treated as hidden, its page stays at its URL and it is listed
nowhere. The clock is the build's (`tintuc.dates.build_clock`): one reading per build.
"""

from datetime import datetime

SCHEDULED = "scheduled"
EXPIRED = "expired"


def status_at(status: str, date: datetime | None, expires: datetime | None,
              clock: datetime) -> tuple[str, str | None]:
    """(the status a build gives the article, why it differs from the editor's: SCHEDULED,
    EXPIRED or None). Only a published article is scheduled or expires: a draft stays one, a
    hidden article stays hidden."""
    if status != "published":
        return status, None
    if date is not None and date > clock:
        return "draft", SCHEDULED
    if expires is not None and expires <= clock:
        return "hidden", EXPIRED
    return status, None
