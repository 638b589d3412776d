"""`notes-site deploy`: publish the built site as one commit on a branch of a git remote.

Like hexo-deployer-git, but every git command runs in a throwaway repository in a
temporary folder: the output folder is only read (as that repository's work tree) and
the site's own repository is only asked questions, so a failure leaves both as they were.
The remote's credentials are git's business: we run git, and git asks its helpers.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from notes_site.config import SiteConfig, branch_name_allowed, load_config, message_allowed
from notes_site.errors import NotesSiteError
from notes_site.output.cache import cache_dir_for, load_cache

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
KEEP_FROM_BRANCH = ("CNAME",)  # a custom domain set in GitHub's settings is committed there
NO_JEKYLL = ".nojekyll"  # GitHub Pages would otherwise run Jekyll over the site and hide `_` files
# Variables that would point our git commands at the user's repository instead of ours.
GIT_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)
FALLBACK_IDENTITY = ("notes-site", "notes-site@localhost")


class DeployError(NotesSiteError):
    """The site was not published; nothing local was changed."""


class NoRemoteError(DeployError):
    """There is no repository to publish to, or it cannot be reached."""


class PushRejectedError(DeployError):
    """The remote refused the new commit."""


class DetachedStateError(DeployError):
    """The site's repository is not on a branch, so what would be published is unclear."""


class DirtyOutputError(DeployError):
    """The output folder is not exactly what the last build wrote."""


@dataclass(frozen=True)
class DeployOptions:
    site_root: Path
    output: Path | None = None
    repo: str | None = None  # overrides `deploy.repo`; a relative path is relative to the current folder
    branch: str | None = None
    message: str | None = None
    build: bool = True
    force: bool = False  # replace the branch's history with one commit
    dry_run: bool = False
    strict: bool = False
    allow_detached: bool = False
    progress: Callable[[str, int, int], None] | None = None

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site_root / "public"


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "changed" or "removed"
    path: str


@dataclass
class DeployReport:
    repo: str  # as shown to the user: a password in the URL is masked
    branch: str
    changes: list[Change] = field(default_factory=list)
    commit: str = ""  # the commit pushed, or the branch's tip when nothing was
    pushed: bool = False
    dry_run: bool = False
    new_branch: bool = False
    forced: bool = False
    build: object | None = None  # the BuildReport, when deploy built the site

    def counts(self) -> str:
        kinds = ("added", "changed", "removed")
        return ", ".join(f"{sum(c.kind == kind for c in self.changes)} {kind}" for kind in kinds)

    def summary(self) -> str:
        where = f"`{self.branch}` of {self.repo}"
        if self.dry_run:
            if not self.changes:
                return f"Dry run: {where} already holds this site; a deploy would push nothing."
            return f"Dry run: a deploy would commit {self.counts()} file(s) to {where}. Nothing was pushed."
        if not self.pushed:
            return f"Nothing to deploy: {where} already holds this site (commit {self.commit[:7]})."
        created = (
            " (a new branch)" if self.new_branch else " (its history replaced by this commit)" if self.forced else ""
        )
        return f"Deployed to {where}{created}: commit {self.commit[:7]}, {self.counts()} file(s)."


@dataclass(frozen=True)
class Target:
    url: str  # what git is given
    shown: str  # what the user is shown
    branch: str
    message: str


def deploy_site(options: DeployOptions) -> DeployReport:
    """Build (unless told not to), then publish the output folder as one commit on the branch."""
    site_root = options.site_root.resolve()
    config = load_config(site_root)
    target = resolve_target(options, config)
    check_source_state(site_root, options.allow_detached)
    tip = remote_tip(target)
    report = DeployReport(
        repo=target.shown, branch=target.branch, dry_run=options.dry_run, new_branch=tip is None, forced=options.force
    )
    output = options.output_dir.resolve()
    if options.build:
        report.build = build_for_deploy(options)
    else:
        check_output_is_the_last_build(site_root, output)
    with tempfile.TemporaryDirectory(prefix="notes-site-deploy-") as scratch:
        stage = Stage(Path(scratch) / "stage", output, target)
        stage.fetch(tip, depth=2 if options.force else 1)
        tree = stage.tree_of(output, tip)
        unchanged = tip is not None and stage.tree(tip) == tree and (not options.force or stage.is_root(tip))
        report.changes = stage.changes(tip, tree)
        if unchanged:
            report.changes = []
            report.commit = tip or ""
            return report
        if options.dry_run:
            return report
        report.commit = stage.commit(tree, None if options.force else tip, target.message, site_root, config)
        stage.push(report.commit, tip, options.force)
        report.pushed = True
    return report


def build_for_deploy(options: DeployOptions):
    """The ordinary build; a site that left notes out because of errors is not published."""
    from notes_site.build import BuildOptions, build_site

    report = build_site(
        BuildOptions(
            site_root=options.site_root, output=options.output, strict=options.strict, progress=options.progress
        )
    )
    if report.errors:
        raise DeployError(
            f"the build reported {len(report.errors)} error(s), so the site was not deployed "
            "(it would lack the notes that have them). Fix them and deploy again.",
            tuple(report.errors),
        )
    return report


# --- Where to publish --------------------------------------------------------------------


def resolve_target(options: DeployOptions, config: SiteConfig) -> Target:
    settings = config.deploy
    branch = options.branch or settings.branch
    check_branch_name(branch)
    message = options.message if options.message is not None else settings.message
    check_message(message)
    if options.repo:
        url = repo_url(options.repo, Path.cwd(), config.root)
    elif settings.repo:
        url = repo_url(settings.repo, config.root, config.root)
    else:
        url = site_remote(config.root, "origin")
        if url is None:
            raise NoRemoteError(
                "there is no repository to deploy to: `deploy.repo` is not set in notes-site.yaml, "
                "no --repo was given, and the site folder's git repository has no `origin` remote. "
                "Set `deploy: {repo: https://github.com/you/you.github.io.git}` or pass --repo URL."
            )
    return Target(url=url, shown=masked(url), branch=branch, message=message)


def repo_url(repo: str, base: Path, site_root: Path) -> str:
    """A URL or scp-like address as is; a remote name of the site's repository; else a path."""
    if "://" in repo or re.match(r"^[\w.-]+@[^:/]+:", repo):
        return repo
    named = site_remote(site_root, repo) if re.fullmatch(r"[\w.-]+", repo) else None
    if named is not None:
        return named
    return str((base / Path(repo).expanduser()).resolve())


def site_remote(site_root: Path, name: str) -> str | None:
    """The URL of the remote `name` of the repository holding the site, if there is one."""
    result = git(["remote", "get-url", name], cwd=site_root, check=False)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def masked(url: str) -> str:
    """The URL without a password or token, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_branch_name(branch: str) -> None:
    if not branch_name_allowed(branch):
        raise DeployError(f"`{branch}` is not a valid git branch name. Use a name like gh-pages or pages.")


def check_message(message: str) -> None:
    if not message_allowed(message):
        raise DeployError(
            f"the deploy message `{message}` can only use the fields {{time}} and {{commit}}; "
            "write {{ and }} for a brace."
        )


def check_source_state(site_root: Path, allow_detached: bool) -> None:
    """Refuse to publish from a detached HEAD or a merge in progress: an old or half-made site."""
    if git(["rev-parse", "--is-inside-work-tree"], cwd=site_root, check=False).stdout.strip() != "true":
        return
    head = git(["rev-parse", "--short", "HEAD"], cwd=site_root, check=False).stdout.strip() or "no commit"
    if git(["rev-parse", "-q", "--verify", "MERGE_HEAD"], cwd=site_root, check=False).returncode == 0:
        raise DetachedStateError(
            f"the site's repository ({site_root}) is in the middle of a merge, so the site would be "
            "published half-merged. Finish the merge (git commit) or abort it (git merge --abort), then deploy."
        )
    if allow_detached or git(["symbolic-ref", "-q", "HEAD"], cwd=site_root, check=False).returncode == 0:
        return
    raise DetachedStateError(
        f"the site's repository ({site_root}) is not on a branch (detached HEAD at {head}, as during a "
        "rebase or after checking out an old commit), so an old or unfinished version could go online. "
        "Switch to your branch (git switch main) and deploy again, or pass --allow-detached if this is meant."
    )


def remote_tip(target: Target) -> str | None:
    """The commit the branch points at on the remote, None when it does not exist yet."""
    result = git(["ls-remote", "--heads", target.url, f"refs/heads/{target.branch}"], cwd=Path.cwd(), check=False)
    if result.returncode != 0:
        raise NoRemoteError(
            f"cannot reach the repository {target.shown}: {last_lines(result.stderr)} "
            "Check the URL or path (`deploy.repo` or --repo), your network and your git credentials; "
            "nothing was built or published.",
        )
    for line in result.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{target.branch}":
            return sha
    return None


def check_output_is_the_last_build(site_root: Path, output: Path) -> None:
    """With --no-build, publish only a folder that is exactly what notes-site last wrote there."""
    from notes_site.build import files_in
    from notes_site.output.write import MARKER

    redo = "Build it (drop --no-build), then deploy."
    if not (output / MARKER).is_file():
        what = "does not exist" if not output.exists() else f"has no {MARKER} file, so notes-site did not make it"
        raise DirtyOutputError(f"the output folder {output} {what}. {redo}")
    cache, _problem = load_cache(cache_dir_for(site_root, output))
    if cache.output_folder != str(output) or not cache.outputs:
        raise DirtyOutputError(
            f"cannot tell whether {output} is what the last build wrote: its build cache "
            f"{cache_dir_for(site_root, output)} is missing or from another output. {redo}"
        )
    found, expected = files_in(output), cache.outputs.keys() | {MARKER}
    extra, missing = sorted(found - expected), sorted(expected - found)
    if extra or missing:
        listed = "; ".join(
            part
            for part in (
                f"not written by the last build: {shorten(extra)}" if extra else "",
                f"missing: {shorten(missing)}" if missing else "",
            )
            if part
        )
        raise DirtyOutputError(f"the output folder {output} was changed since the last build ({listed}). {redo}")


def shorten(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


# --- The throwaway repository ---------------------------------------------------------------


class Stage:
    """A repository in a temporary folder whose work tree is the output folder, read only."""

    def __init__(self, folder: Path, output: Path, target: Target) -> None:
        self.folder = folder
        self.output = output
        self.target = target
        git(["init", "-q", str(folder)], cwd=folder.parent)

    def run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        return git(["--git-dir", str(self.folder / ".git"), "--work-tree", str(self.output), *args], **kwargs)

    def fetch(self, tip: str | None, depth: int) -> None:
        """Only the branch's last commits: the rest of its history stays on the remote."""
        if tip is None:
            return
        refspec = f"refs/heads/{self.target.branch}"
        result = self.run(["fetch", "-q", f"--depth={depth}", "--no-tags", self.target.url, refspec], check=False)
        if result.returncode != 0:
            raise NoRemoteError(
                f"cannot fetch `{self.target.branch}` from {self.target.shown}: {last_lines(result.stderr)} "
                "Nothing was published."
            )

    def tree(self, commit: str) -> str:
        return self.run(["rev-parse", f"{commit}^{{tree}}"]).stdout.strip()

    def is_root(self, commit: str) -> bool:
        """Needs a fetch of depth 2: at depth 1 git shows every tip without its parents."""
        return len(self.run(["rev-list", "--parents", "-n", "1", commit]).stdout.split()) == 1

    def tree_of(self, output: Path, tip: str | None) -> str:
        """The output folder as a tree, less our marker, plus the branch's CNAME and a .nojekyll."""
        from notes_site.output.write import MARKER

        self.run(["-c", "core.autocrlf=false", "add", "-A", "-f", "--", ".", f":(exclude){MARKER}"])
        present = set(self.run(["ls-files", "-z"]).stdout.split("\0"))
        if tip is not None:
            for name in KEEP_FROM_BRANCH:
                if name in present:
                    continue
                entry = self.run(["ls-tree", tip, "--", name]).stdout.split()
                if entry:  # mode, type, sha, name
                    self.run(["update-index", "--add", "--cacheinfo", f"{entry[0]},{entry[2]},{name}"])
        if NO_JEKYLL not in present:
            empty = self.run(["hash-object", "-w", "--stdin"], input="").stdout.strip()
            self.run(["update-index", "--add", "--cacheinfo", f"100644,{empty},{NO_JEKYLL}"])
        return self.run(["write-tree"]).stdout.strip()

    def changes(self, tip: str | None, tree: str) -> list[Change]:
        before = self.tree(tip) if tip is not None else EMPTY_TREE
        listing = self.run(["diff-tree", "-r", "-z", "--no-renames", "--name-status", before, tree]).stdout
        fields = listing.rstrip("\0").split("\0") if listing else []
        kinds = {"A": "added", "M": "changed", "T": "changed", "D": "removed"}
        return [
            Change(kinds.get(status[:1], "changed"), path)
            for status, path in zip(fields[::2], fields[1::2], strict=True)
        ]

    def commit(self, tree: str, parent: str | None, message: str, site_root: Path, config: SiteConfig) -> str:
        text = message.format(
            time=datetime.now(config.tzinfo).strftime("%Y-%m-%d %H:%M:%S"), commit=source_commit(site_root)
        )
        parents = ["-p", parent] if parent else []
        return self.run(["commit-tree", tree, *parents, "-m", text], env=identity(site_root)).stdout.strip()

    def push(self, commit: str, tip: str | None, force: bool) -> None:
        ref = f"refs/heads/{self.target.branch}"
        # --force-with-lease: a branch someone else moved since we looked is never overwritten.
        lease = [f"--force-with-lease={ref}:{tip or ''}"] if force else []
        result = self.run(["push", "--porcelain", *lease, self.target.url, f"{commit}:{ref}"], check=False)
        if result.returncode != 0:
            raise PushRejectedError(
                f"{self.target.shown} refused the push to `{self.target.branch}`: "
                f"{push_failure(result.stdout, result.stderr)} Nothing was published and nothing in your "
                "repository was changed. If the branch moved meanwhile, deploy again; to replace its history, "
                "deploy with --force; if a hook or a protection rule refused it, see what the remote said."
            )


def push_failure(stdout: str, stderr: str) -> str:
    """git's reason (`[remote rejected] (pre-receive hook declined)`) and what the remote said."""
    reasons = [line.split("\t")[-1] for line in stdout.splitlines() if line.startswith("!")]
    said = [line[len("remote:") :].strip() for line in stderr.splitlines() if line.startswith("remote:")]
    said = [line for line in said if line]
    if not reasons:
        return last_lines(stderr)
    text = "; ".join(reasons) + (f", and it said: {' / '.join(said)}" if said else "")
    return text + "."


def source_commit(site_root: Path) -> str:
    result = git(["rev-parse", "--short", "HEAD"], cwd=site_root, check=False)
    return result.stdout.strip() if result.returncode == 0 else "(not in git)"


def identity(site_root: Path) -> dict[str, str]:
    """The user's git identity (as the site's repository sees it), else a neutral one."""
    env = {}
    for role in ("AUTHOR", "COMMITTER"):
        for key, fallback in zip(("name", "email"), FALLBACK_IDENTITY, strict=True):
            variable = f"GIT_{role}_{key.upper()}"
            if variable in os.environ:
                continue
            found = git(["config", "--get", f"user.{key}"], cwd=site_root, check=False).stdout.strip()
            env[variable] = found or fallback
    return env


def git(
    args: list[str], cwd: Path | None = None, check: bool = True, input: str | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run git with our own environment: never one that points at the user's repository."""
    environment = {k: v for k, v in os.environ.items() if k not in GIT_LOCATION_VARIABLES}
    environment.update(env or {})
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=environment,
            check=False,
        )
    except FileNotFoundError as exc:
        raise DeployError("git is not installed or not on the PATH; deploying needs it. Install git.") from exc
    if check and result.returncode != 0:
        raise DeployError(f"`git {' '.join(args[:4])}` failed: {last_lines(result.stderr)}")
    return result


def last_lines(text: str, count: int = 4) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    shown = " / ".join(lines[-count:]) or "(git printed nothing)"
    return shown if shown.endswith((".", "!", ")")) else shown + "."
