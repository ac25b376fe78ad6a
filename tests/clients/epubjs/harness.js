// epub.js 0.3.93 as a reading system runs it: open the book, render it into #viewer, jump, report what is shown.
// tests/test_epubjs.py serves this folder, epub.js, JSZip and the book from 127.0.0.1, loads
// index.html?book=URL&flow=paginated and calls openBook() and jump(href) with Playwright; both return JSON.
"use strict";

let book = null;
let rendition = null;

// Open the book named in the query and render it; resolve to the navigation epub.js reads: toc (flattened, in
// order), pageList, and how many columns a spread shows.
async function openBook() {
  const query = new URLSearchParams(location.search);
  const url = query.get("book");
  book = ePub(url, { openAs: url.endsWith(".epub") ? "epub" : "directory" });
  rendition = book.renderTo("viewer", {
    width: "100%",
    height: "100%",
    flow: query.get("flow") || "paginated",
    spread: "auto",
    minSpreadWidth: 800,
  });
  await rendition.display();
  const navigation = await book.loaded.navigation;
  await book.loaded.pageList;
  const flat = (items) => items.flatMap((item) => [item, ...flat(item.subitems || [])]);
  return {
    toc: flat(navigation.toc).map((item) => ({ label: item.label.trim(), href: item.href })),
    pageList: (book.pageList.pageList || []).map((page) => ({ page: page.page, href: page.href })),
    columns: rendition.manager.layout.divisor,
  };
}

// Jump to href as the contents would (rendition.display) and report where epub.js says it is
// (rendition.currentLocation) and whether the target element is in that range and inside the viewer.
async function jump(href) {
  await rendition.display(href);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const location = rendition.currentLocation();
  const contents = rendition.getContents()[0];
  const doc = contents.document;
  const id = href.includes("#") ? href.slice(href.indexOf("#") + 1) : "";
  const element = id ? doc.getElementById(id) : doc.body;
  if (!element) return { href, found: false };
  const start = new ePub.CFI(location.start.cfi).toRange(doc);
  const end = new ePub.CFI(location.end.cfi).toRange(doc);
  const shown = doc.createRange();
  shown.setStart(start.startContainer, start.startOffset);
  shown.setEnd(end.endContainer, end.endOffset);
  const frame = document.querySelector("#viewer iframe").getBoundingClientRect();
  const viewer = document.getElementById("viewer").getBoundingClientRect();
  const box = element.getBoundingClientRect();
  const left = frame.left + box.left, top = frame.top + box.top;
  const style = doc.defaultView.getComputedStyle(element);
  return {
    href,
    found: true,
    start: location.start.href,
    inRange: shown.intersectsNode(element.textContent.trim() ? element : textAfter(doc, element)),
    // the element's first box: its left edge within the viewer, its top above the viewer's bottom
    visible: left >= viewer.left && left < viewer.right && top >= viewer.top && top < viewer.bottom,
    box: { left, top, width: box.width, height: box.height },
    viewer: { top: viewer.top, bottom: viewer.bottom },
    border: style.borderTopStyle,
    after: doc.defaultView.getComputedStyle(element, "::after").content,
  };
}

// The first text node with words after an element without text (a page break marker): where epub.js's range of
// what is shown starts when the marker opens the page.
function textAfter(doc, element) {
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  walker.currentNode = element;
  let node = walker.nextNode();
  while (node && !node.textContent.trim()) node = walker.nextNode();
  return node || element;
}
