"""Every benchmark, one after another: ``python -m strokes.bench all [--quick] [--only a,b] [--write PAGE]``.

Each benchmark runs in a fresh process (start-up included, nothing shared) and
its report is kept as printed. With ``--write`` the reports go into a markdown
page (``docs/benchmarks.md``), one section per benchmark, each with the
command, the date, the machine and its load at the time; ``--only`` re-runs
some benchmarks and replaces just their sections, so the page can be brought
up to date piece by piece. Figures belong on that page, not in code or other
docs, which link to it.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SKIP = {"all", "gallery"}   # gallery paints the docs' pictures: run it on purpose, not as a benchmark
HEADER = """# Benchmarks

Written by `python -m strokes.bench all --write docs/benchmarks.md` (sections
re-run with `--only NAME`). Each section is one benchmark's report as it
printed it, with the command, when it ran, the machine and its load average
then: machines are shared and noisy, so compare figures measured in the same
run, and re-run a section rather than trusting an old one.
"""


def _section(name: str, text: str) -> str:
    return f"<!-- bench:{name} -->\n{text.rstrip()}\n<!-- /bench:{name} -->\n"


def _accepts_quick(name: str) -> bool:
    out = subprocess.run([sys.executable, "-m", "strokes.bench", name, "--help"], capture_output=True, text=True)
    return "--quick" in out.stdout


def run_one(name: str, quick: bool, extra: list[str] = ()) -> tuple[int, str]:
    """Run one benchmark in its own process (``extra``: its own options); returns its exit status and its section."""
    from strokes.bench.common import machine
    command = (["python", "-m", "strokes.bench", name] + (["--quick"] if quick and _accepts_quick(name) else [])
               + list(extra))
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t = time.perf_counter()
    done = subprocess.run([sys.executable] + command[1:], capture_output=True, text=True)
    took = time.perf_counter() - t
    report = done.stdout.rstrip() or "(no output)"
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        report += f"\n\nFAILED with exit status {done.returncode}:\n{tail}"
    text = (f"## {name}\n\n`{' '.join(command)}` — {started}, {took:.0f} s, load average {load:.1f} at the start; "
            f"{machine()}\n\n```\n{report}\n```\n")
    return done.returncode, _section(name, text)


def write_page(page: Path, sections: dict[str, str]) -> None:
    """Replace (or add) the given sections of ``page``, keeping the others, atomically."""
    from strokes.atomic import write_bytes
    old = page.read_text() if page.exists() else HEADER
    for name, text in sections.items():
        pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->\n", re.S)
        old = pattern.sub(lambda _: text, old) if pattern.search(old) else old.rstrip() + "\n\n" + text
    write_bytes(page, old.encode("utf-8"))


def main(argv) -> int:
    from strokes.bench import available
    names = [n for n in available() if n not in SKIP]
    ap = argparse.ArgumentParser(prog="python -m strokes.bench all", description=__doc__.split("\n")[0])
    ap.add_argument("--only", help=f"comma-separated benchmarks (default: all of {', '.join(names)})")
    ap.add_argument("--quick", action="store_true", help="pass --quick to each benchmark that has it")
    ap.add_argument("--write", type=Path, metavar="PAGE", help="write the reports into this markdown page")
    ap.epilog = "Options after -- go to each chosen benchmark (e.g. -- --primitive PATH for versus)."
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    chosen = args.only.split(",") if args.only else names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    failed = []
    for name in chosen:
        status, text = run_one(name, args.quick, extra)
        print(text)
        if status:
            failed.append(name)
        if args.write:                       # after each one: a long run that stops keeps what it measured
            write_page(args.write, {name: text})
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
