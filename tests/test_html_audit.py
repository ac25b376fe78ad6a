"""Audit the built pages as an accessibility auditor would: axe-core (light and dark), Nu, the AX tree, reflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.check.browser import AXNode, Browser
from publish.check.html import axe, gate


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def pages(built) -> list[Path]:
    return [built / "B9-0311-2022" / "B9-0311-2022.html", built / "small" / "small.html"]


@pytest.fixture(scope="module")
def seed_page(pages) -> Path:
    return pages[0]


@pytest.mark.jvm
def test_built_pages_pass_axe_in_light_and_dark_and_the_nu_checker(pages, browser):
    assert gate(pages, browser=browser) == []


def test_axe_leaves_nothing_for_review(pages, browser):
    for path in pages:
        for scheme in ("light", "dark"):
            report = axe(browser, path, scheme)
            assert report.axe_version == "4.14.1"
            assert report.incomplete == (), [str(f) for f in report.incomplete]
            assert report.passes >= 30


def _broken(seed_page: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = seed_page.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.html"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.jvm
@pytest.mark.parametrize(
    ("old", "new", "tool", "rule"),
    [
        ('<html lang="en" dir="ltr">', '<html dir="ltr">', "axe", "html-has-lang"),
        ('<li id="para_2"', '<li id="para_1"', "vnu", "error"),
        ('<h2 id="recs-heading">Recitals</h2>', '<h4 id="recs-heading">Recitals</h4>', "axe", "heading-order"),
        ("--link: #9cc3ff;", "--link: #20324a;", "axe", "color-contrast"),
        ('<main id="main" tabindex="-1">', '<div id="main" tabindex="-1">', "axe", "landmark-one-main"),
    ],
    ids=["no-lang", "duplicate-id", "skipped-heading", "dark-low-contrast", "no-main"],
)
def test_the_gate_bites_on_a_broken_copy(seed_page, tmp_path, browser, old, new, tool, rule):
    if new.startswith('<div id="main"'):
        path = _broken(seed_page, tmp_path, old, new)
        path.write_text(path.read_text(encoding="utf-8").replace("</main>", "</div>"), encoding="utf-8")
    else:
        path = _broken(seed_page, tmp_path, old, new)
    failures = gate([path], browser=browser)
    assert any(f.check == tool and f.rule == rule for f in failures), [str(f) for f in failures]


def test_low_contrast_in_the_dark_scheme_is_caught_only_by_the_dark_run(seed_page, tmp_path, browser):
    path = _broken(seed_page, tmp_path, "--link: #9cc3ff;", "--link: #20324a;")
    assert "color-contrast" not in axe(browser, path, "light").rules()
    assert "color-contrast" in axe(browser, path, "dark").rules()


def _landmarks(tree: AXNode) -> list[tuple[str, str]]:
    roles = {"banner", "navigation", "main", "region", "contentinfo"}
    return [(node.role, node.name) for node in tree.walk() if node.role in roles]


def test_accessibility_tree_has_the_landmarks_and_heading_outline(seed_page, browser):
    tree = browser.ax_tree(seed_page)
    assert _landmarks(tree) == [
        ("banner", ""),
        ("navigation", "Contents"),
        ("region", "Listen"),
        ("main", ""),
        ("region", "Citations"),
        ("region", "Recitals"),
        ("region", "Paragraphs"),
        ("contentinfo", ""),
    ]
    headings = [(node.properties.get("level"), node.name) for node in tree.walk() if node.role == "heading"]
    level, name = headings[0]
    assert (level, " ".join(name.replace(" :", ":").split())) == (  # Chromium: a space before the hidden colon
        "1",
        "B9-0311/2022: European Parliament resolution on reports of the human rights situation in "
        "Xinjiang, including the Xinjiang police files",
    )
    assert [name for level, name in headings if level == "2"] == [
        "Contents", "Listen", "The European Parliament,", "Citations", "Recitals", "Paragraphs", "About this edition",
    ]  # fmt: skip


def test_a_clause_is_announced_as_a_list_item_starting_with_its_spoken_label(seed_page, browser):
    tree = browser.ax_tree(seed_page)
    paragraphs = next(n for n in tree.walk() if n.role == "region" and n.name == "Paragraphs")
    lists = paragraphs.find_all("list")
    assert len([c for c in lists[0].children if c.role == "listitem"]) == 18
    item = [c for c in lists[0].children if c.role == "listitem"][2]
    assert item.find_all("link") == []  # no self-link: the contents link each clause
    text = " ".join(n.name for n in item.walk() if n.role == "StaticText")
    assert text.startswith("Paragraph 3. Reiterates its call on the Commission")


def test_first_tab_reaches_the_skip_link(seed_page, browser):
    assert browser.first_focus(seed_page) == ("a", "Skip to the resolution text")


@pytest.mark.parametrize(("width", "scale"), [(320, 1), (640, 2), (1280, 1)], ids=["320px", "zoom-200", "1280px"])
def test_page_reflows_without_horizontal_scrolling(seed_page, browser, width, scale):
    assert browser.horizontal_overflow(seed_page, width, device_scale_factor=scale) == 0
