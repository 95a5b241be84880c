"""`./run`, the one command an operator types, on a fresh clone of the project (issue 17 §8):
`./run verify` (and so `./run publish`, the same set-up) installs what the gates need itself,
the HTML checker and the web editor's bundle included, instead of stopping at the html gate
until `./run test` has run once."""

import os
import subprocess

import pytest
from conftest import PROJECT


@pytest.mark.slow
def test_verify_on_a_fresh_clone_sets_up_what_the_gates_need(tmp_path):
    clone = tmp_path / "clone"
    # The committed project, as CI and an operator get it: no .venv, no node_modules.
    subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(clone)], check=True)
    assert not (clone / "node_modules").exists() and not (clone / ".venv").exists()
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("VIRTUAL_ENV", "PYTHONPATH")}
    environment["CACHE_PATH"] = str(tmp_path / "cache")
    run = subprocess.run(["./run", "verify"], cwd=clone, env=environment, capture_output=True,
                         text=True, timeout=1800)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "[html] HTML hợp lệ (Nu Html Checker): đạt" in run.stdout
    assert "✓ Mọi bước kiểm tra đều đạt." in run.stdout
    assert (clone / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar").is_file()
    assert (clone / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file()
