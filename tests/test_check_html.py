"""The HTML audit harness passes a good page and bites on broken copies of it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from publish.check.browser import AXNode, Browser
from publish.check.findings import Finding
from publish.check.html import audit, axe, run_vnu
from publish.check.tools import ToolMissing, chromium_path, java_path, vnu_jar

GOOD = Path(__file__).parent / "fixtures" / "check_html" / "good.html"

# name -> (text in good.html, replacement); each breaks one thing.
BROKEN: dict[str, tuple[str, str]] = {
    "no_lang": ('<html lang="en">', "<html>"),
    "duplicate_id": ('<li id="para_2">', '<li id="para_1">'),
    "skipped_heading": (
        '<h2 id="paragraphs">Paragraphs</h2>',
        '<h4 id="paragraphs">Paragraphs</h4>',
    ),
    # link colour fine on the light background, 1.6:1 on the dark one
    "dark_low_contrast": ("--link: #9ecbff;", "--link: #3b3b55;"),
    "wide": (
        "</main>",
        '<p style="white-space: nowrap">' + "unbreakable " * 40 + "</p>\n</main>",
    ),
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("check_html")
    source = GOOD.read_text(encoding="utf-8")
    made = {"good": out / "good.html"}
    made["good"].write_text(source, encoding="utf-8")
    for name, (old, new) in BROKEN.items():
        assert source.count(old) == 1, f"{name}: {old!r} must occur once in good.html"
        made[name] = out / f"{name}.html"
        made[name].write_text(source.replace(old, new), encoding="utf-8")
    return made


@pytest.fixture(scope="module")
def vnu(pages: dict[str, Path]) -> Iterator[Future[list[Finding]]]:
    """One Nu Html Checker run over all pages, in the background."""
    checked = [pages[n] for n in ("good", "no_lang", "duplicate_id", "skipped_heading")]
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(run_vnu, checked)


@pytest.fixture(scope="module")
def browser(vnu: Future[list[Finding]]) -> Iterator[Browser]:
    # depends on `vnu` so the JVM starts before, and runs alongside, Chromium
    with Browser() as b:
        yield b


def vnu_for(vnu: Future[list[Finding]], page: Path, rule: str) -> list[Finding]:
    return [f for f in vnu.result() if f.rule == rule and f.location.startswith(f"{page}:")]


# ---------------------------------------------------------------- good page


def test_good_page_has_no_axe_violations_in_either_scheme(browser: Browser, pages: dict[str, Path]) -> None:
    reports = audit([pages["good"]], browser=browser)
    assert [r.scheme for r in reports] == ["light", "dark"]
    for report in reports:
        assert report.axe_version == "4.14.1"
        assert report.violations == (), "\n".join(map(str, report.violations))
        assert report.incomplete == (), "\n".join(map(str, report.incomplete))
        assert report.passes > 30


def test_good_page_has_no_vnu_errors(vnu: Future[list[Finding]], pages: dict[str, Path]) -> None:
    assert vnu_for(vnu, pages["good"], "error") == []
    # role="list" on a styled <ol> is kept on purpose (WebKit drops list semantics)
    warnings = vnu_for(vnu, pages["good"], "warning")
    assert all("role is unnecessary" in f.message for f in warnings)


def test_accessibility_tree_has_landmarks_and_named_links(browser: Browser, pages: dict[str, Path]) -> None:
    tree = browser.ax_tree(pages["good"])
    assert tree.role == "RootWebArea"
    roles = [n.role for n in tree.walk()]
    landmarks = [r for r in roles if r in {"banner", "navigation", "main", "contentinfo"}]
    assert landmarks == ["banner", "navigation", "main", "contentinfo"]
    headings = [(h.properties["level"], h.name) for h in tree.find_all("heading")]
    assert headings[0] == ("1", "Test resolution on accessible publishing")
    assert [lvl for lvl, _ in headings[1:]] == ["2", "2", "2"]
    link_names = [n.name for n in tree.find_all("link")]
    assert "Recital A" in link_names and "Paragraph 2" in link_names
    (main,) = tree.find_all("main")
    regions = [n.name for n in main.find_all("region")]
    assert regions == ["Recitals", "Paragraphs"]
    assert [len(lst.find_all("listitem")) for lst in main.find_all("list")] == [2, 2]
    assert not any(n.role == "InlineTextBox" for n in tree.walk())


def test_skip_link_takes_the_first_focus(browser: Browser, pages: dict[str, Path]) -> None:
    assert browser.first_focus(pages["good"]) == ("a", "Skip to the resolution text")


def test_good_page_reflows(browser: Browser, pages: dict[str, Path]) -> None:
    assert browser.horizontal_overflow(pages["good"], 320) == 0
    assert browser.horizontal_overflow(pages["good"], 640, device_scale_factor=2) == 0


def test_screenshot_writes_a_png(browser: Browser, pages: dict[str, Path], tmp_path: Path) -> None:
    png = browser.screenshot(pages["good"], tmp_path / "shots" / "dark.png", 320, "dark")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- broken copies


def test_missing_lang_is_an_axe_violation(browser: Browser, pages: dict[str, Path]) -> None:
    report = axe(browser, pages["no_lang"], "light")
    assert "html-has-lang" in report.rules()
    (finding,) = [f for f in report.violations if f.rule == "html-has-lang"]
    assert finding.check == "axe" and finding.scheme == "light"
    assert finding.severity == "serious"
    assert finding.location == f"{pages['no_lang']} html"


def test_duplicate_id_is_a_vnu_error(vnu: Future[list[Finding]], pages: dict[str, Path]) -> None:
    errors = vnu_for(vnu, pages["duplicate_id"], "error")
    assert any("Duplicate ID" in f.message and "para_1" in f.message for f in errors)
    assert errors[0].location.count(":") == 2  # file:line:column


def test_skipped_heading_level_fails_both_tools(
    browser: Browser, vnu: Future[list[Finding]], pages: dict[str, Path]
) -> None:
    assert "heading-order" in axe(browser, pages["skipped_heading"], "light").rules()
    errors = vnu_for(vnu, pages["skipped_heading"], "error")
    assert any("heading level" in f.message for f in errors)


def test_low_contrast_in_dark_scheme_only(browser: Browser, pages: dict[str, Path]) -> None:
    light, dark = audit([pages["dark_low_contrast"]], browser=browser)
    assert (light.scheme, dark.scheme) == ("light", "dark")
    assert "color-contrast" not in light.rules()
    assert "color-contrast" in dark.rules()
    contrast = [f for f in dark.violations if f.rule == "color-contrast"]
    assert len(contrast) == 3  # capped at NODES_PER_RULE
    assert all(f.scheme == "dark" for f in contrast)
    assert "[node 1 of" in contrast[0].message


def test_wide_element_overflows_at_320(browser: Browser, pages: dict[str, Path]) -> None:
    assert browser.horizontal_overflow(pages["wide"], 320) > 0


# ---------------------------------------------------------------- plumbing


def test_finding_reads_as_one_line() -> None:
    f = Finding("axe", "html-has-lang", "a.html html", "Needs lang", "serious", "dark")
    assert str(f) == "axe[dark] html-has-lang (serious) at a.html html: Needs lang"
    assert str(Finding("vnu", "error", "a.html:3:1", "Bad")) == "vnu error at a.html:3:1: Bad"


def test_ax_node_walk_is_depth_first() -> None:
    tree = AXNode("root", "", (AXNode("a", "1", (AXNode("b", "2"),)), AXNode("b", "3")))
    assert [n.name for n in tree.walk()] == ["", "1", "2", "3"]
    assert [n.name for n in tree.find_all("b")] == ["2", "3"]


def test_missing_tools_raise_tool_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PUBLISH_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ToolMissing, match="apt-get install chromium"):
        chromium_path()
    with pytest.raises(ToolMissing, match="Chromium"), Browser():
        pass
    monkeypatch.setenv("PUBLISH_NODE_MODULES", str(tmp_path))
    with pytest.raises(ToolMissing, match="make setup"):
        vnu_jar()
    monkeypatch.setenv("PUBLISH_JAVA", str(tmp_path / "no-java"))
    with pytest.raises(ToolMissing, match="Java"):
        java_path()
