"""How many of the notes' formulas become MathML, which fail and why, and how long conversion takes;
and the share of KaTeX's supported commands that notes-site typesets.

    python benchmarks/math_coverage.py                          # content/, the 10,000-note corpus, KaTeX's list
    python benchmarks/math_coverage.py content/ ~/notes/        # any folders of notes
    python benchmarks/math_coverage.py --katex                  # only KaTeX's list
    python benchmarks/math_coverage.py --examples 5             # more example formulas per failure reason
    python benchmarks/math_coverage.py --update-katex-table ~/KaTeX/docs/support_table.md   # a newer KaTeX

KaTeX's list is its support table (docs/support_table.md; the npm package does not ship it): every
command with the example formula KaTeX renders for it, kept in benchmarks/katex_support_table.json
with its source and licence (MIT). Each example is typeset as notes-site typesets a note's formula.

Formulas are found the way notes-site finds them, by parsing each note with its markdown-it
pipeline. The standard corpus is /tmp/corpus/c10000 when it exists, or is generated into
/tmp/mathcorpus with ../shared/bench/gen_corpus.py. Times are per formula: "cold" converts each
distinct formula once with the cache cleared; the corpus totals run every formula in note order,
once without the cache and once with it, which is what a build does.
"""

from __future__ import annotations

import argparse
import html
import json
import re
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
KATEX_TABLE = REPO / "benchmarks" / "katex_support_table.json"
KATEX_SOURCE = "KaTeX v0.18.2 (commit 93c362b0a57e1e87684f08eb628ef4288938af2f), docs/support_table.md"
KATEX_LICENCE = "MIT License, Copyright (c) 2013-2020 Khan Academy and other contributors"
TABLE_ROW = re.compile(r"^\|(?P<name>[^|]+)\|(?P<rendered>[^|]*)\|(?P<source>.*?)\|?\s*$")  # some rows lack the last |
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&<>\"'~^=:;,$%])")
SHOWN_FORMULA = re.compile(r"^(\$\$?)(.*)\1$", re.DOTALL)
PAGE_MACROS = {"\\VERT": "|"}  # the table page defines \VERT with \gdef to write a | inside a Markdown table
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


@dataclass(frozen=True)
class KatexCommand:
    name: str
    tex: str  # the example formula KaTeX's table renders for it; "" when the table shows none
    display: bool


def katex_commands_from_table(markdown: str) -> tuple[list[KatexCommand], list[str]]:
    """The supported commands of KaTeX's support table with their examples, and the unsupported names."""
    supported, unsupported = [], []
    for line in markdown.splitlines():
        row = TABLE_ROW.match(line)
        if not row or row["name"].startswith((":-", "Symbol/Function")):
            continue
        name = html.unescape(MARKDOWN_ESCAPE.sub(r"\1", row["name"].strip()))
        rendered = row["rendered"].strip()
        if "Not supported" in rendered:
            unsupported.append(name)
            continue
        shown = SHOWN_FORMULA.match(rendered)
        tex = html.unescape(shown[2]) if shown else ""
        for macro, expansion in PAGE_MACROS.items():
            tex = tex.replace(macro, expansion)
        supported.append(KatexCommand(name, tex, bool(shown) and shown[1] == "$$"))
    return supported, unsupported


def write_katex_table(support_table: Path) -> None:
    supported, unsupported = katex_commands_from_table(support_table.read_text(encoding="utf-8"))
    header = {
        "source": KATEX_SOURCE,
        "licence": KATEX_LICENCE,
        "note": "Command names and example formulas only, as `python benchmarks/math_coverage.py "
        "--update-katex-table support_table.md` extracts them: [name, example, display].",
    }
    lines = [f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in header.items()]
    rows = [json.dumps([c.name, c.tex, c.display], ensure_ascii=False) for c in supported]
    lines += [
        '"supported": [',
        ",\n".join(rows),
        "],",
        f'"not_supported": {json.dumps(unsupported, ensure_ascii=False)}',
    ]
    KATEX_TABLE.write_text("{\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"{KATEX_TABLE}: {len(supported)} supported commands, {len(unsupported)} not supported")


def katex_commands() -> list[KatexCommand]:
    data = json.loads(KATEX_TABLE.read_text(encoding="utf-8"))
    return [KatexCommand(name, tex, display) for name, tex, display in data["supported"]]


def katex_failures(commands: list[KatexCommand]) -> dict[KatexCommand, str]:
    """Each command whose example notes-site cannot typeset, with the reason notes-site gives."""
    failures = {}
    for command in commands:
        try:
            tex_to_mathml(command.tex, command.display)
        except FormulaError as error:
            failures[command] = error.reason
    return failures


def report_katex() -> None:
    commands = katex_commands()
    with_example = [command for command in commands if command.tex]
    failures = katex_failures(with_example)
    typeset = len(with_example) - len(failures)
    source = json.loads(KATEX_TABLE.read_text(encoding="utf-8"))["source"]
    print(f"## KaTeX's supported commands ({source})")
    print(f"supported by KaTeX: {len(commands)}, with an example formula: {len(with_example)}")
    print(f"typeset by notes-site: {typeset} of {len(with_example)} ({typeset / len(with_example):.1%})")
    without = [command.name for command in commands if not command.tex]
    print(f"no example to typeset ({len(without)}): {' '.join(without)}")
    print(f"left ({len(failures)}):")
    for command, reason in failures.items():
        print(f"- {command.name}: {reason}   [{command.tex[:70]}]")
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
    parser.add_argument("--katex", action="store_true", help="only the share of KaTeX's supported commands")
    parser.add_argument("--update-katex-table", type=Path, metavar="SUPPORT_TABLE_MD", help="re-extract KaTeX's list")
    options = parser.parse_args()
    if options.update_katex_table:
        write_katex_table(options.update_katex_table)
        return
    if not options.katex:
        for folder in options.folders or [REPO / "content", standard_corpus()]:
            report(str(folder), measure(folder), options.examples)
    if options.katex or not options.folders:
        report_katex()


if __name__ == "__main__":
    main()
