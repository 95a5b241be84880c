"""`invoke counter`: the visitor counter for the operator, without building the site."""

from invoke import Exit, task

from tintuc.counter_report import show
from tintuc.files import load_settings as read_settings_file
from tintuc.problems import Explained


@task(help={"settings": "settings file (publishconf.py: the production logs and state)"})
def counter(c, settings="publishconf.py"):
    """Ingest the access logs; print the six figures and the last 30 days.

    The clock is the settings file's NEWS_BUILD_TIME when it sets one, as in a build.
    """
    try:
        show(read_settings_file(settings))
    except Explained as error:
        raise Exit(str(error), code=1) from None
