// A screen reader's view of a page: @guidepup/virtual-screen-reader over jsdom, as tests/test_screen_reader.py reads it.
//
// node screen_reader.mjs FILE CONTENT_TYPE TARGET
//   FILE          the page (the HTML edition, or the EPUB's XHTML content document unzipped)
//   CONTENT_TYPE  text/html or application/xhtml+xml
//   TARGET        a clause anchor (para_3): the jump follows the page's link to it
// prints JSON: {phrases, headings, landmarks, tabs, follow, load}
//   phrases    every phrase from the page start to "end of document", reading on
//   headings   the phrase at each stop of heading navigation from the page start
//   landmarks  the phrase at each stop of landmark navigation from the page start
//   tabs       each Tab stop from the page start ({text, href, beforeFirstClause}), up to the first one in main
//   follow     following the page's first link to #TARGET (opening the disclosure it is in, if any): the URL's
//              fragment, the element :target matches, and the first phrases read from where the link leads
//              (null: the page has no such link)
//   load       the same for the page loaded afresh at FILE#TARGET (a link from elsewhere, a reading system's nav)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { JSDOM } from "jsdom";
import { Virtual } from "@guidepup/virtual-screen-reader";

const [file, contentType, target] = process.argv.slice(2);
const CAP = 5000;

async function open(url) {
  const dom = new JSDOM(readFileSync(file, "utf-8"), { contentType, url: url ?? pathToFileURL(file).href, pretendToBeVisual: true });
  const vsr = new Virtual();
  await vsr.start({ container: dom.window.document.body, window: dom.window });
  return { dom, vsr };
}

async function readOn() {
  const { vsr } = await open();
  for (let i = 0; i < CAP && (await vsr.lastSpokenPhrase()) !== "end of document"; i++) await vsr.next();
  const log = await vsr.spokenPhraseLog();
  await vsr.stop();
  return log;
}

async function navigate(command) {
  const { vsr } = await open();
  const stops = [];
  const seen = new Set();
  for (let i = 0; i < 200; i++) {  // until it stops moving or wraps round to a stop it made
    await vsr.perform(vsr.commands[command]);
    if (seen.has(vsr.activeNode)) break;
    seen.add(vsr.activeNode);
    stops.push(await vsr.lastSpokenPhrase());
  }
  await vsr.stop();
  return stops;
}

async function tabs() {
  const { dom, vsr } = await open();
  const document = dom.window.document;
  const firstClause = document.querySelector("li.clause");
  const main = document.querySelector("main");
  const stops = [];
  for (let i = 0; i < 200; i++) {
    await vsr.press("Tab");
    const el = document.activeElement;
    if (!el || el === document.body || stops.some((s) => s.el === el)) break;
    const before = !!(el.compareDocumentPosition(firstClause) & dom.window.Node.DOCUMENT_POSITION_FOLLOWING);
    stops.push({ el, text: el.textContent.trim().replace(/\s+/g, " "), href: el.getAttribute("href"), beforeFirstClause: before });
    if (main.contains(el)) break;
  }
  await vsr.stop();
  return stops.map(({ el, ...rest }) => rest);
}

async function readFrom(dom, vsr, landed) {
  // A screen reader moves its reading cursor to where a same-page link leads: read on from there.
  await vsr.stop();
  await vsr.start({ container: dom.window.document.body, window: dom.window });
  for (let i = 0; i < CAP && !(vsr.activeNode && landed.contains(vsr.activeNode)); i++) await vsr.next();
  const phrases = [await vsr.lastSpokenPhrase()];
  for (let i = 0; i < 4; i++) { await vsr.next(); phrases.push(await vsr.lastSpokenPhrase()); }
  return phrases;
}

async function follow() {
  const { dom, vsr } = await open();
  const document = dom.window.document;
  const link = document.querySelector(`a[href="#${target}"]`);
  if (!link) { await vsr.stop(); return null; }
  const disclosure = link.closest("details");
  if (disclosure && !disclosure.open) {  // open it as a reader would: reach its summary and press it
    const summary = disclosure.querySelector("summary");
    for (let i = 0; i < CAP && !summary.contains(vsr.activeNode); i++) await vsr.next();
    await vsr.act();
  }
  for (let i = 0; i < CAP && vsr.activeNode !== link; i++) await vsr.perform(vsr.commands.moveToNextLink);
  const opened = disclosure ? disclosure.open : null;
  await vsr.act();
  const landed = document.querySelector(":target");
  const phrases = landed ? await readFrom(dom, vsr, landed) : [];
  await vsr.stop();
  return { opened, hash: dom.window.location.hash, target: landed ? landed.id : null, phrases };
}

async function load() {
  const { dom, vsr } = await open(`${pathToFileURL(file).href}#${target}`);
  const landed = dom.window.document.querySelector(":target");
  const phrases = landed ? await readFrom(dom, vsr, landed) : [];
  await vsr.stop();
  return { hash: dom.window.location.hash, target: landed ? landed.id : null, phrases };
}

const result = {
  phrases: await readOn(),
  headings: await navigate("moveToNextHeading"),
  landmarks: await navigate("moveToNextLandmark"),
  tabs: await tabs(),
  follow: await follow(),
  load: await load(),
};
process.stdout.write(JSON.stringify(result));
