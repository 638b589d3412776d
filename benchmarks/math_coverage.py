"""How many of the notes' formulas become MathML, which fail and why, and how long conversion takes.

    python benchmarks/math_coverage.py                          # content/ and the standard 10,000-note corpus
    python benchmarks/math_coverage.py content/ ~/notes/        # any folders of notes
    python benchmarks/math_coverage.py --examples 5             # more example formulas per failure reason

Formulas are found the way notes-site finds them, by parsing each note with its markdown-it
pipeline. The standard corpus is /tmp/corpus/c10000 when it exists, or is generated into
/tmp/mathcorpus with ../shared/bench/gen_corpus.py. Times are per formula: "cold" converts each
distinct formula once with the cache cleared; the corpus totals run every formula in note order,
once without the cache and once with it, which is what a build does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notes_site.markup.math import FormulaError, tex_to_mathml  # noqa: E402
from notes_site.markup.pipeline import MarkdownPipeline  # noqa: E402

GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
STANDARD_CORPUS = Path("/tmp/corpus/c10000")
GENERATED_CORPUS = Path("/tmp/mathcorpus")
MATH_TOKENS = {"math_inline": False, "math_inline_double": True, "math_block": True, "math_block_label": True}


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool


@dataclass(frozen=True)
class Coverage:
    notes: int
    notes_with_math: int
    formulas: list[Formula]
    failures: dict[Formula, str]  # distinct failing formula -> reason
    cold_seconds: float  # every distinct formula once, cache cleared
    uncached_seconds: float  # every formula, no cache
    cached_seconds: float  # every formula, cache cleared first then used, as a build does
    parse_seconds: float


def formulas_in(text: str, pipeline: MarkdownPipeline) -> list[Formula]:
    found = []
    for token in pipeline.md.parse(text):
        for candidate in [token, *(token.children or [])]:
            if candidate.type in MATH_TOKENS:
                found.append(Formula(candidate.content, MATH_TOKENS[candidate.type]))
    return found


def measure(folder: Path) -> Coverage:
    pipeline = MarkdownPipeline()
    started = time.perf_counter()
    per_note = [formulas_in(path.read_text(encoding="utf-8"), pipeline) for path in sorted(folder.rglob("*.md"))]
    parse_seconds = time.perf_counter() - started
    formulas = [formula for note in per_note for formula in note]
    distinct = list(dict.fromkeys(formulas))

    tex_to_mathml.cache_clear()
    failures: dict[Formula, str] = {}
    started = time.perf_counter()
    for formula in distinct:
        try:
            tex_to_mathml(formula.tex, formula.display)
        except FormulaError as error:
            failures[formula] = error.reason
    cold_seconds = time.perf_counter() - started
    return Coverage(
        notes=len(per_note),
        notes_with_math=sum(1 for note in per_note if note),
        formulas=formulas,
        failures=failures,
        cold_seconds=cold_seconds,
        uncached_seconds=convert_all(formulas, tex_to_mathml.__wrapped__),
        cached_seconds=convert_all(formulas, tex_to_mathml),
        parse_seconds=parse_seconds,
    )


def convert_all(formulas: list[Formula], convert) -> float:
    tex_to_mathml.cache_clear()
    started = time.perf_counter()
    for formula in formulas:
        try:
            convert(formula.tex, formula.display)
        except FormulaError:
            pass
    return time.perf_counter() - started


def report(name: str, coverage: Coverage, examples: int) -> None:
    total = len(coverage.formulas)
    distinct = len(set(coverage.formulas))
    failed = sum(1 for formula in coverage.formulas if formula in coverage.failures)
    displayed = sum(1 for formula in coverage.formulas if formula.display)
    print(f"## {name}")
    print(f"notes: {coverage.notes}, with math: {coverage.notes_with_math}")
    print(f"formulas: {total} total ({total - displayed} inline, {displayed} display), {distinct} distinct")
    if not total:
        print()
        return
    print(f"converted: {total - failed} ({(total - failed) / total:.1%}), failed: {failed} ({failed / total:.1%})")
    print(f"distinct converted: {distinct - len(coverage.failures)} of {distinct}")
    print(f"cold, uncached: {coverage.cold_seconds / distinct * 1000:.3f} ms per distinct formula")
    print(
        f"all {total} formulas: {coverage.uncached_seconds:.3f} s uncached "
        f"({coverage.uncached_seconds / total * 1000:.3f} ms each), {coverage.cached_seconds:.3f} s with the cache"
    )
    print(f"(finding them: markdown-it parse of every note, {coverage.parse_seconds:.2f} s)")
    reasons: Counter[str] = Counter()
    samples: defaultdict[str, list[str]] = defaultdict(list)
    for formula in coverage.formulas:
        reason = coverage.failures.get(formula)
        if reason:
            reasons[reason] += 1
            if formula.tex.strip() not in samples[reason] and len(samples[reason]) < examples:
                samples[reason].append(formula.tex.strip())
    for reason, count in reasons.most_common(10):
        print(f"- {count} x {reason}")
        for tex in samples[reason]:
            print(f"    {tex[:100]}")
    print()


def standard_corpus() -> Path:
    if STANDARD_CORPUS.exists():
        return STANDARD_CORPUS
    if not GENERATED_CORPUS.exists():
        command = [sys.executable, str(GEN_CORPUS), str(GENERATED_CORPUS), "--notes", "10000", "--flavor", "plain"]
        subprocess.run(command, check=True)
    return GENERATED_CORPUS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders of notes (default: content/ and the corpus)")
    parser.add_argument("--examples", type=int, default=3, help="example formulas shown per failure reason")
    options = parser.parse_args()
    folders = options.folders or [REPO / "content", standard_corpus()]
    for folder in folders:
        report(str(folder), measure(folder), options.examples)


if __name__ == "__main__":
    main()
