"""The GitHub Actions workflow, checked statically (it cannot run here): pull requests and pushes run the
README's test command and ruff before the book is built, and only a push to main deploys it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = yaml.safe_load((REPO / ".github" / "workflows" / "book.yml").read_text())


def _runs(job: str) -> list[str]:
    return [line.strip() for step in WORKFLOW["jobs"][job]["steps"] for line in step.get("run", "").splitlines()]


def _needs(job: str) -> list[str]:
    needs = WORKFLOW["jobs"][job].get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def test_triggers():
    # PyYAML reads the key `on` as True (YAML 1.1).
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))
    assert {"push", "pull_request"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]


def test_job_graph_tests_before_build_before_deploy():
    assert set(WORKFLOW["jobs"]) == {"test", "build", "deploy"}
    assert _needs("test") == [] and _needs("build") == ["test"] and _needs("deploy") == ["build"]
    assert "refs/heads/main" in WORKFLOW["jobs"]["deploy"]["if"] and "push" in WORKFLOW["jobs"]["deploy"]["if"]
    assert "if" not in WORKFLOW["jobs"]["test"] and "if" not in WORKFLOW["jobs"]["build"]


def test_the_test_job_runs_the_readme_command_with_what_it_needs():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Run the tests\s+```bash\n(.*?)\n```", readme, re.S)[1]
    command = block.split("&&")[-1].strip()
    assert command == "pytest"
    runs = _runs("test")
    assert command in runs and "pytest -m slow tests" in runs
    assert any(r.startswith("ruff check") for r in runs) and "ruff format --check ." in runs
    installs = " ".join(runs)
    for needed in ("pip install -r requirements.txt", "npm ci", "chromium"):
        assert needed in installs, needed


def test_build_job_builds_strictly():
    runs = _runs("build")
    assert "jupyter-book build -W -n --keep-going --all ." in runs
    assert "jupyter-book build -W -n --keep-going . --builder pdflatex" in runs
