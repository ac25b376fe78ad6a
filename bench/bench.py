"""Benchmark the build: cold against the engines called directly, a one-clause rebuild, a 10× document, a batch.

Run by ``make bench`` (see bench/README.md). Everything runs in copies of the repository in a temporary folder,
with a stand-in ``.venv`` whose ``publish`` runs this interpreter on the copied code, and prints one table; each
figure is the median of ``--runs`` runs, and the things compared are measured side by side in the same rounds.
With ``--baseline DIR`` (another checkout, say the previous commit) every publish measurement is made for both
trees in the same rounds and the table adds the ratio now/baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "B9-0311-2022"
GNU_TIME = "/usr/bin/time"
#: Environment variables not passed on: an outer make's jobserver, a shared speech cache (cold means cold),
#: and the switch that stops Python caching bytecode (a user's install caches it; so does the bench, in its folder).
DROPPED_ENV = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PUBLISH_SPEECH_CACHE", "PYTHONDONTWRITEBYTECODE")
#: Words put into one clause of the seed, a new one for each rebuild, so each edit is new to the speech cache.
EDIT_WORDS = ("bilateral", "existing", "current", "outdated", "remaining", "relevant", "pending", "several", "other")
EDITED_CLAUSE = "to suspend the extradition treaties with China"
BATCH = 20
#: The real document with language versions under sources/ (part 5), and its languages.
VERSIONS_DOC = "P6-TA-2008-0190"
VERSIONS = ("de", "it", "sv")
SCALE = 10
LABEL = re.compile(r"^(?:[-–•\uf02d]|[A-Z]+\.|\d+\.)(?=\s)")


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured command: wall time (s), CPU time of all its processes (s), peak RSS of the largest (MB)."""

    wall: float
    cpu: float
    rss: float
    output: str
    #: Why the command failed ("" when it did not): its last line of output.
    error: str = ""


@dataclass(slots=True)
class Series:
    """The samples of one measurement over the rounds."""

    samples: list[Sample] = field(default_factory=list)

    def median(self, key: Callable[[Sample], float] = lambda s: s.wall) -> float:
        return statistics.median(key(s) for s in self.samples) if self.samples else float("nan")


class Tree:
    """A copy of a repository with its own sources, build folder and stand-in ``.venv``."""

    def __init__(self, repo: Path, path: Path, sources: dict[str, str], env: dict[str, str]) -> None:
        self.repo, self.path, self.env = repo, path, env
        for name in ("Makefile", "pyproject.toml"):
            shutil.copy2(repo / name, path / name)
        for name in ("publish", "themes", "scripts"):
            shutil.copytree(repo / name, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        (path / "sources").mkdir()
        self.sources = sources
        for name, text in sources.items():
            self.source(name).write_text(text, encoding="utf-8")
        publish = path / ".venv" / "bin" / "publish"
        publish.parent.mkdir(parents=True)
        publish.write_text(f'#!/bin/sh\nPYTHONPATH="{path}" exec "{sys.executable}" -m publish.cli "$@"\n', "utf-8")
        publish.chmod(0o755)
        (path / ".venv" / ".installed").touch()  # newer than pyproject.toml: set up

    def source(self, name: str) -> Path:
        return self.path / "sources" / f"{name}.md"

    def clean(self) -> None:
        """Remove the build folder, with its speech cache: the next build is cold."""
        shutil.rmtree(self.path / "build", ignore_errors=True)

    def run(self, *command: str, check: bool = True) -> Sample:
        return measure(list(command), self.path, self.env, check)

    def publish(self, *args: str, check: bool = True) -> Sample:
        return self.run(str(self.path / ".venv" / "bin" / "publish"), *args, check=check)

    def make(self, jobs: int | None, check: bool = True) -> Sample:
        """``make -jN``, or with ``jobs`` None plain ``make`` (which runs as many jobs as there are cores)."""
        return self.run("make", *([f"-j{jobs}"] if jobs else []), check=check)


def measure(command: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> Sample:
    """Run ``command`` under GNU time, wall time by ``time.perf_counter``; a failure stops the bench if ``check``."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-") as stats:
        started = time.perf_counter()
        done = subprocess.run(
            [GNU_TIME, "-f", "%U %S %M", "-o", stats.name, *command], cwd=cwd, env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - started
        output = done.stdout + done.stderr
        if done.returncode != 0 and check:
            sys.exit(f"bench: {' '.join(command)} failed ({done.returncode}):\n{output[-5000:]}")
        user, system, rss = Path(stats.name).read_text(encoding="utf-8").split()[-3:]
    error = ""
    if done.returncode != 0:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        errors = [line for line in lines if re.match(r"(\w+(Error|Exception): |publish: |\S+:\d+: )", line)]
        error = (errors or lines or [f"exit status {done.returncode}"])[-1]
    return Sample(wall, float(user) + float(system), int(rss) / 1024, output, error)


# --- generated documents ------------------------------------------------------------------------------------------


def split_source(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The seed's head (front matter, formula) and its sections: (heading line, top-level clause blocks)."""
    head, *parts = re.split(r"^(?=## )", text, flags=re.MULTILINE)
    sections = []
    for part in parts:
        heading, _, body = part.partition("\n")
        clauses: list[str] = []
        for block in re.split(r"\n\s*\n", body.strip("\n")):
            if LABEL.match(block) and not block.startswith(" "):
                clauses.append(block)
            elif clauses:  # a point or indent: stays with its clause
                clauses[-1] += "\n\n" + block
        sections.append((heading, clauses))
    return head, sections


def letters(number: int) -> str:
    """Spreadsheet-style recital label: 1 → A, 26 → Z, 27 → AA."""
    label = ""
    while number:
        number, rest = divmod(number - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def relabel(clause: str, heading: str, number: int) -> str:
    """``clause`` with the label of the ``number``th clause of its section."""
    if heading.startswith("## Recitals"):
        return LABEL.sub(f"{letters(number)}.", clause, count=1)
    if heading.startswith("## Paragraphs"):
        return LABEL.sub(f"{number}.", clause, count=1)
    return clause


def scaled(seed: str, times: int) -> str:
    """The seed with every section's clauses repeated ``times`` times, relabelled in sequence."""
    head, sections = split_source(seed)
    parts = [head]
    for heading, clauses in sections:
        repeated = [relabel(c, heading, n) for n, c in enumerate(clauses * times, 1)]
        parts.append(heading + "\n\n" + "\n\n".join(repeated) + "\n\n")
    return "".join(parts).rstrip("\n") + "\n"


def variant(seed: str, number: int) -> str:
    """A different document of the seed's size: its own reference, and text of its own in every clause."""
    head, sections = split_source(seed)
    head = re.sub(r"^reference: .*$", f"reference: B9-{9000 + number}/2022", head, count=1, flags=re.MULTILINE)
    parts = [head]
    for heading, clauses in sections:
        marked = ["\n\n".join(_marked(block, number) for block in c.split("\n\n")) for c in clauses]
        parts.append(heading + "\n\n" + "\n\n".join(marked) + "\n\n")
    return "".join(parts).rstrip("\n") + "\n"


def _marked(block: str, number: int) -> str:
    """A clause's or point's text with "(text N)" before its final punctuation."""
    return re.sub(r"([;,.:]?)\s*$", lambda m: f" (text {number}){m.group(1)}", block, count=1)


# --- the measurements ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Results:
    """Every series, by (tree label, measurement)."""

    series: dict[tuple[str, str], Series] = field(default_factory=dict)

    def add(self, label: str, name: str, sample: Sample) -> Sample:
        self.series.setdefault((label, name), Series()).samples.append(sample)
        return sample

    def get(self, label: str, name: str) -> Series:
        return self.series.get((label, name), Series())


def direct_inputs(tree: Tree, folder: Path) -> None:
    """What the engines are given, made once and not timed: the print pages and the spoken text."""
    folder.mkdir()
    script = """
import sys
from pathlib import Path
from lxml import html
from publish import reader
from publish.writers.audio import spoken_units
from publish.writers.html import print_page
from publish.writers.shared import Options
document, out = reader.read(Path(sys.argv[1])), Path(sys.argv[2])
for flavour in ("print", "large-print"):
    page = html.tostring(print_page(document, Options(), flavour), doctype="<!DOCTYPE html>", encoding="unicode")
    (out / f"{flavour}.html").write_text(page, encoding="utf-8")
(out / "spoken.txt").write_text("\\n\\n".join(unit.spoken for unit in spoken_units(document)), encoding="utf-8")
"""
    tree.run(sys.executable, "-c", script, str(tree.source(SEED)), str(folder))


#: LAME with the audio writer's settings (``publish.writers.audioparts.encode_mp3``), given as arguments.
ENCODE = """
import sys, wave, lameenc
source, target, bit_rate, sample_rate, quality = sys.argv[1:]
with wave.open(source, "rb") as wav:
    pcm = wav.readframes(wav.getnframes())
encoder = lameenc.Encoder()
encoder.set_bit_rate(int(bit_rate))
encoder.set_in_sample_rate(int(sample_rate))
encoder.set_out_sample_rate(int(sample_rate))
encoder.set_channels(1)
encoder.set_quality(int(quality))
with open(target, "wb") as mp3:
    mp3.write(bytes(encoder.encode(pcm)) + bytes(encoder.flush()))
"""


def engines_round(tree: Tree, folder: Path, results: Results) -> None:
    """The engines called directly once on the seed: WeasyPrint's CLI per PDF edition, pandoc, espeak-ng + LAME."""
    source = str(tree.source(SEED))
    weasyprint = [sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/ua-1"]
    for flavour in ("print", "large-print"):
        results.add(
            "engines", f"pdf {flavour}", tree.run(*weasyprint, f"{folder}/{flavour}.html", f"{folder}/{flavour}.pdf")
        )
    results.add(
        "engines", "html", tree.run("pandoc", "-s", "-f", "markdown", "-t", "html5", source, "-o", f"{folder}/p.html")
    )
    results.add(
        "engines", "epub", tree.run("pandoc", "-f", "markdown", "-t", "epub3", source, "-o", f"{folder}/p.epub")
    )
    speak = ["espeak-ng", "-v", "en", "-s", "175", "-w", f"{folder}/s.wav", "-f", f"{folder}/spoken.txt"]
    results.add("engines", "speak", tree.run(*speak))
    from publish.writers import audioparts  # the settings of the tree measured (``make bench`` runs the repo's)

    settings = (str(audioparts.BIT_RATE), str(audioparts.SAMPLE_RATE), str(audioparts.QUALITY))
    encode = [sys.executable, "-c", ENCODE, f"{folder}/s.wav", f"{folder}/s.mp3", *settings]
    results.add("engines", "encode", tree.run(*encode))


def cold_round(label: str, tree: Tree, jobs: int, results: Results) -> None:
    """Cold builds of the seed: each format alone (in make's order), all in one process, and ``make -jN``."""
    source = f"sources/{SEED}.md"
    tree.clean()
    for fmt in ("html", "pdf", "audio", "epub"):
        results.add(label, fmt, tree.publish("build", "-q", "--to", fmt, "-o", "build", source))
    tree.clean()
    results.add(label, "all", tree.publish("build", "-q", "-o", "build", source))
    tree.clean()
    results.add(label, "make", tree.make(jobs))
    tree.clean()
    results.add(label, "plain make", tree.make(None))


def rebuild_round(label: str, tree: Tree, jobs: int, number: int, results: Results) -> None:
    """After a cold ``make``: edit one clause and make again, then make with nothing changed."""
    path = tree.source(SEED)
    original = tree.sources[SEED]
    assert EDITED_CLAUSE in original, f"bench: the seed no longer has '{EDITED_CLAUSE}'"
    path.write_text(original.replace(EDITED_CLAUSE, EDITED_CLAUSE.replace("the", f"the {EDIT_WORDS[number]}", 1)))
    results.add(label, "rebuild", tree.make(jobs))
    results.add(label, "no change", tree.make(jobs))
    path.write_text(original, encoding="utf-8")


def scale_round(label: str, tree: Tree, name: str, jobs: int, results: Results) -> None:
    """Cold builds of the big document: ``make -jN``, then each format alone (to see which one grows how)."""
    tree.clean()
    results.add(label, "10x", tree.make(jobs, check=False))
    tree.clean()
    for fmt in ("html", "pdf", "audio", "epub"):
        sample = results.add(
            label, f"10x {fmt}", tree.publish("build", "-q", "--to", fmt, "-o", "build", name, check=False)
        )
        if sample.error:  # the EPUB needs the narration: it would speak the document again, and fail the same way
            break


def versions_round(label: str, trees: dict[str, Tree], results: Results) -> None:
    """Cold plain ``make`` of one language version alone, then of all the versions of the document."""
    for key in ("one version", "versions"):
        trees[key].clean()
        results.add(label, key, trees[key].make(None))


def spoken_units(output: str) -> int:
    """Units spoken afresh, from the builds' progress lines."""
    return sum(int(n) for n in re.findall(r"speaking (\d+) of \d+ units", output))


# --- the table ----------------------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


#: The engine measurements each row of part 1 is compared with.
ENGINE_PARTS = {
    "html": ("html",),
    "pdf": ("pdf print", "pdf large-print"),
    "audio": ("speak", "encode"),
    "epub": ("epub",),
    "all": ("html", "pdf print", "pdf large-print", "speak", "encode", "epub"),
    "make": ("html", "pdf print", "pdf large-print", "speak", "encode", "epub"),
    "plain make": ("html", "pdf print", "pdf large-print", "speak", "encode", "epub"),
}
#: Part 1's rows: what publish builds, what it is compared with.
ROWS = {
    "html": ("html", "pandoc, HTML5 standalone"),
    "pdf": ("pdf (2 editions)", "WeasyPrint CLI, print + large print"),
    "audio": ("audio", "espeak-ng -w + lameenc, same settings"),
    "epub": ("epub", "pandoc, EPUB 3"),
    "all": ("all, one `publish build`", "all of the above, one after another"),
    "make": ("all, `make -j{jobs}`", "all of the above, one after another"),
    "plain make": ("all, plain `make`", "all of the above, one after another"),
}


def report(results: Results, repos: dict[str, Path], jobs: int, runs: int, cores: int) -> str:
    labels = list(repos)
    now, base = labels[0], labels[1] if len(labels) > 1 else None
    engines: dict[str, tuple[float, float]] = {}  # (wall, CPU) by row
    for key, parts in ENGINE_PARTS.items():
        series = [results.get("engines", part) for part in parts]
        engines[key] = (sum(s.median() for s in series), sum(s.median(lambda x: x.cpu) for s in series))
    lines = [
        f"publish benchmark: {cores} cores, median of {runs} runs; wall seconds, and CPU seconds of all processes",
        f"tree {repos[now]}" + (f", baseline {repos[base]}" if base else ""),
        "",
        f"1. Cold build of {SEED} (every format, empty speech cache) against the engines called directly once",
        f"   {'':24}{'publish':>8}{'CPU':>7}  {'engines':>8}{'CPU':>7}  {'called directly':40}{'ratio':>7}{'CPU':>7}"
        + (f"{'baseline':>10}{'now/base':>9}" if base else ""),
    ]
    for key, (name, what) in ROWS.items():
        ours = results.get(now, key)
        wall, cpu = ours.median(), ours.median(lambda s: s.cpu)
        e_wall, e_cpu = engines[key]
        line = (
            f"   {name.format(jobs=jobs):24}{wall:7.2f}s{cpu:6.1f}s  {e_wall:7.2f}s{e_cpu:6.1f}s  {what:40}"
            f"{ratio(wall, e_wall):>7}{ratio(cpu, e_cpu):>7}"
        )
        if base:
            theirs = results.get(base, key).median()
            line += f"{theirs:9.2f}s{ratio(wall, theirs):>9}"
        lines.append(line)
    lines.append("   target: all formats ≤ 1.3× the engines")
    lines.append("")
    cold, rebuild, idle = (results.get(now, k).median() for k in ("make", "rebuild", "no change"))
    lines.append(f"2. Rebuild after editing one clause (`make -j{jobs}`): {rebuild:.2f} s = {ratio(rebuild, cold)}"
                 f" of cold (target ≤ 0.2×); `make` with nothing changed: {idle:.2f} s")  # fmt: skip
    floor = engines["pdf"][0]  # every edit re-renders both PDF editions: WeasyPrint alone bounds the rebuild
    lines.append(f"   WeasyPrint's CLI alone on both PDF editions, which any edit re-lays out: {floor:.2f} s ="
                 f" {ratio(floor, cold)} of cold")  # fmt: skip
    if base:
        b_cold, b_rebuild, b_idle = (results.get(base, k).median() for k in ("make", "rebuild", "no change"))
        lines.append(f"   baseline: {b_rebuild:.2f} s = {ratio(b_rebuild, b_cold)} of cold, now/baseline"
                     f" {ratio(rebuild, b_rebuild)}; nothing changed: {b_idle:.2f} s")  # fmt: skip
    lines.append("")
    for label in labels:
        lines += scale_lines(results, label, "Baseline: " if label == base else "", jobs)
    lines.append("")
    for label in labels:
        batch = results.get(label, "batch")
        if not batch.samples:
            continue
        wall, cpu = batch.median(), batch.median(lambda s: s.cpu)
        lines.append(f"4. {'Baseline: ' if label == base else ''}batch of {BATCH} documents, cold `make -j{jobs}`:"
                     f" {BATCH / wall * 60:.1f} documents per minute ({wall:.0f} s; CPU busy {cpu / wall / cores:.0%}"
                     f" of {cores} cores; {spoken_units(batch.samples[0].output)} units spoken)")  # fmt: skip
    for label in labels:
        one, every = results.get(label, "one version"), results.get(label, "versions")
        if not every.samples:
            continue
        count = len(VERSIONS)
        per = every.median() / count
        head = f"5. {'Baseline: ' if label == base else ''}language versions of {VERSIONS_DOC} ({', '.join(VERSIONS)})"
        lines.append(f"{head}, cold plain `make`: {every.median():.1f} s for {count}, {per:.1f} s per version;"
                     f" one alone {one.median():.1f} s: {ratio(per, one.median())} (target ≤ 1.05×)")  # fmt: skip
    return "\n".join(lines)


def scale_lines(results: Results, label: str, prefix: str, jobs: int) -> list[str]:
    """Part 3: the big document against the seed, as a whole and format by format (time ratio, peak RSS)."""
    big, seed = results.get(label, "10x"), results.get(label, "make")
    if not big.samples:
        return []
    head = f"3. {prefix}{SCALE}× document ({SCALE * 40} clauses), cold `make -j{jobs}`: "
    failed = [s.error for s in big.samples if s.error]
    if failed:
        head += f"FAILED ({failed[0]})"
    else:
        head += f"{big.median():.1f} s = {ratio(big.median(), seed.median())} of the seed"
    rss = big.median(lambda s: s.rss)
    lines = [head + f" (target ≤ {SCALE}×); peak RSS {rss:.0f} MB, seed {seed.median(lambda s: s.rss):.0f} MB"
             " (target ≤ 400 MB)"]  # fmt: skip
    for fmt in ("html", "pdf", "audio", "epub"):
        ours, small = results.get(label, f"10x {fmt}"), results.get(label, fmt)
        if not ours.samples:
            lines.append(f"   {fmt:6} not built (after the failure above)")
            continue
        errors = [s.error for s in ours.samples if s.error]
        what = f"FAILED after {ours.median():.1f} s ({errors[0]})" if errors else f"{ours.median():6.1f} s"
        rss, seed_rss = ours.median(lambda s: s.rss), small.median(lambda s: s.rss)
        lines.append(f"   {fmt:6} alone: {what}, {ratio(ours.median(), small.median())} of the seed's;"
                     f" peak RSS {rss:.0f} MB (seed {seed_rss:.0f} MB)")  # fmt: skip
    return lines


# --- main ---------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--runs", type=int, default=3, help="runs of each measurement; the table has medians (3)")
    args.add_argument("--jobs", type=int, default=2, help="make -jN for the builds through make (2)")
    args.add_argument("--baseline", type=Path, help="another checkout to measure side by side (e.g. the last commit)")
    args.add_argument("--skip", default="", help="comma-separated parts to skip: 10x, batch, versions")
    args.add_argument("--keep", action="store_true", help="keep the work folder")
    opts = args.parse_args(argv)
    for tool in ("make", "pandoc", "espeak-ng", GNU_TIME):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: run `make bench`, which installs it")
    skip = set(filter(None, opts.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV} | {"PYTHONPYCACHEPREFIX": str(work / "pycache")}
    repos = {"now": ROOT} | ({"baseline": opts.baseline.resolve()} if opts.baseline else {})
    seed = (ROOT / "sources" / f"{SEED}.md").read_text(encoding="utf-8")
    trees: dict[str, dict[str, Tree]] = {}
    for label, repo in repos.items():
        base = work / label
        base.mkdir()
        trees[label] = {"seed": Tree(repo, _mkdir(base / "seed"), {SEED: seed}, env)}
        if "10x" not in skip:
            trees[label]["10x"] = Tree(repo, _mkdir(base / "10x"), {f"{SEED}-x{SCALE}": scaled(seed, SCALE)}, env)
        if "batch" not in skip:
            docs = {f"doc{n:02d}": variant(seed, n) for n in range(1, BATCH + 1)}
            trees[label]["batch"] = Tree(repo, _mkdir(base / "batch"), docs, env)
        if "versions" not in skip:
            texts = {
                f"{VERSIONS_DOC}.{code}": (ROOT / "sources" / f"{VERSIONS_DOC}.{code}.md").read_text(encoding="utf-8")
                for code in VERSIONS
            }
            first = f"{VERSIONS_DOC}.{VERSIONS[0]}"
            trees[label]["one version"] = Tree(repo, _mkdir(base / "one-version"), {first: texts[first]}, env)
            trees[label]["versions"] = Tree(repo, _mkdir(base / "versions"), texts, env)
    results = Results()
    direct = work / "engines"
    direct_inputs(trees["now"]["seed"], direct)
    print(f"bench: working in {work}; warming up (bytecode, caches)", file=sys.stderr, flush=True)
    for label in repos:
        trees[label]["seed"].publish("build", "-q", "-o", "build", f"sources/{SEED}.md")
    engines_round(trees["now"]["seed"], direct, Results())
    for number in range(opts.runs):
        print(f"bench: round {number + 1} of {opts.runs}", file=sys.stderr, flush=True)
        engines_round(trees["now"]["seed"], direct, results)
        for label in repos:
            cold_round(label, trees[label]["seed"], opts.jobs, results)
            rebuild_round(label, trees[label]["seed"], opts.jobs, number, results)
        for label in repos:
            if "10x" in trees[label]:
                scale_round(label, trees[label]["10x"], f"sources/{SEED}-x{SCALE}.md", opts.jobs, results)
        for label in repos:
            if "versions" in trees[label]:
                versions_round(label, trees[label], results)
        for label in repos:
            if "batch" in trees[label]:
                trees[label]["batch"].clean()
                results.add(label, "batch", trees[label]["batch"].make(opts.jobs))
    print(report(results, repos, opts.jobs, opts.runs, len(os.sched_getaffinity(0))))
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


if __name__ == "__main__":
    sys.exit(main())
