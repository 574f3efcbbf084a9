"""A plain `pip install .` works from any directory: migrations, templates and
demo sites ship inside the wheel (the test runs the installed copy, not the checkout)."""

import glob
import os
import subprocess
import sys

import pytest

from tests.support.databases import REPO


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_from_elsewhere(tmp_path):
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", str(REPO), "-w", str(wheels)], check=True, capture_output=True,
                   timeout=300)
    (wheel,) = glob.glob(str(wheels / "mirrorwatch-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), wheel], check=True, capture_output=True,
                   timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "MIRRORWATCH_EXTRACT_WORKERS": "1", "COLUMNS": "200"}
    where = subprocess.run([sys.executable, "-c", "import crawler, storage; print(crawler.__file__, storage.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert where.count(str(target)) == 2, where  # the installed copy, not the repository
    demo = subprocess.run([sys.executable, "-m", "crawler", "demo", "--workdir", str(elsewhere / "demo")],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "version 1 → 2" in demo.stdout and "excerpt" in demo.stdout
    assert (elsewhere / "demo" / "compare.html").is_file()
    # The dashboard's templates ship too: it renders the demo's archive from the installed copy.
    dashboard = subprocess.run(
        [sys.executable, "-c", "import sys; from starlette.testclient import TestClient; from crawler.web import create_app;"
         "r = TestClient(create_app(sys.argv[1])).get('/changes'); print(r.status_code, 'Central Banks' in r.text)",
         str(elsewhere / "demo" / "mirrorwatch.db")], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert dashboard.stdout.split() == ["200", "True"], dashboard.stderr[-2000:]
