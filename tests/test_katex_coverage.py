"""notes-site typesets the examples of at least 95 % of the commands KaTeX documents as supported
(benchmarks/katex_support_table.json, from KaTeX's support table; `benchmarks/math_coverage.py --katex`)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import math_coverage  # noqa: E402


def test_most_of_katexs_commands_are_typeset():
    commands = [command for command in math_coverage.katex_commands() if command.tex]
    failures = math_coverage.katex_failures(commands)
    assert len(commands) > 900  # the whole table, not a cut of it
    share = 1 - len(failures) / len(commands)
    left = {command.name: reason for command, reason in failures.items()}
    assert share >= 0.95, f"{share:.1%} of KaTeX's commands typeset; left: {left}"


def test_the_support_table_is_read_row_by_row():
    table = "\n".join(
        [
            "|Symbol/Function |  Rendered   | Source or Comment|",
            "|:---------------|:------------|:-----------------|",
            "|\\\\\\!|$a\\!b$|`a\\!b`|",
            "|\\\\&#124;|$\\Vert$||",
            "|{align}|$$\\begin{align}a&=b\\end{align}$$|`\\begin{align}`|",
            '|\\abovewithdelims|<span style="color:firebrick;">Not supported</span>||',
            '|\\class|<span style="color:firebrick;">Not supported</span>|A PR is pending.',
            "|{pmatrix}|$\\begin{pmatrix}a&b\\end{pmatrix}$|`\\begin{pmatrix}`",
            "|\\relax|||",
            "|\\vert|$\\VERT$||",
        ]
    )
    supported, unsupported = math_coverage.katex_commands_from_table(table)
    assert [(c.name, c.tex, c.display) for c in supported] == [
        ("\\!", "a\\!b", False),
        ("\\|", "\\Vert", False),
        ("{align}", "\\begin{align}a&=b\\end{align}", True),
        ("{pmatrix}", "\\begin{pmatrix}a&b\\end{pmatrix}", False),
        ("\\relax", "", False),
        ("\\vert", "|", False),
    ]
    assert unsupported == ["\\abovewithdelims", "\\class"]
