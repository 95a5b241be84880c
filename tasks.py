"""Tasks for editors, operators and CI (`invoke --list`). Each one is thin: options in, a
command or a function of the project out."""

import shlex
import sys
from pathlib import Path

from invoke import Collection, Exit, task

from tintuc_tools import editor_tasks
from tintuc_tools.admin import admin
from tintuc_tools.bench import bench_task
from tintuc_tools.check_files import run_apart as run_check_apart
from tintuc_tools.counter_task import counter
from tintuc_tools.importer import import_legacy
from tintuc_tools.publish import publish, verify
from tintuc_tools.search import search_bench_task
from tintuc_tools.serve import NothingToServe, serve_forever

PROJECT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SETTINGS = {"dev": "pelicanconf.py", "publish": "publishconf.py"}


def _pelican(c, *args: str, settings: str = "pelicanconf.py", pty: bool = False):
    command = [str(BIN / "pelican"), *args, "-s", settings]
    return c.run(shlex.join(command), pty=pty)


@task(help={"content": "content folder (content/)", "output": "output folder (output/)",
            "settings": "settings file (pelicanconf.py)",
            "verbose": "every warning on its own line (default: a warning repeated at many "
                       "places is one line naming the first few)"})
def build(c, content="content", output="output", settings="pelicanconf.py", verbose=False):
    """Check the content, then build the site into output/; any error exits non-zero."""
    with c.cd(str(PROJECT)):
        # The check lists every problem of every file; Pelican's --fatal stops at the first.
        # Relative paths from the project, as for Pelican below (invoke may run elsewhere).
        status = run_check_apart(str(PROJECT / content), str(PROJECT / settings),
                                 verbose=verbose, verbose_hint="invoke build --verbose")
        if status:
            raise Exit(code=status)
        extra = ["-e", "NEWS_WARNING_GROUPS=0"] if verbose else []
        _pelican(c, content, "-o", output, "--fatal", "errors", *extra, settings=settings)


@task(help={"port": "port (8000)", "output": "folder to serve (output/)"})
def serve(c, port=8000, output="output"):
    """Serve the built site at http://127.0.0.1:8000 (build it first); only reads."""
    try:
        serve_forever(PROJECT / output, int(port))
    except NothingToServe as error:
        raise Exit(str(error), code=1) from None


@task(help={"fast": "skip the browser and validator tests", "k": "only tests matching this"})
def test(c, fast=False, k=""):
    """Run every test (pytest), then ruff."""
    args = [str(BIN / "pytest")]
    if fast:
        args += ["-m", "not browser and not slow"]
    if k:
        args += ["-k", k]
    with c.cd(str(PROJECT)):
        c.run(shlex.join(args), pty=False)
        c.run(shlex.join([str(BIN / "ruff"), "check", "."]))


# Tasks of other areas live beside the code they drive, in tools/*; each is added here.
ns = Collection(build, serve, test, counter, bench_task(), import_legacy, publish, verify,
                editor_tasks.new, editor_tasks.check, editor_tasks.livereload,
                search_bench_task(), admin)
