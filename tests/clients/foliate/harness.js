// foliate-js 1.0.1 (the Foliate reader's engine) playing an EPUB's media overlays, as its reader does.
// tests/test_overlay_player.py serves this folder, foliate-js (at /foliate/) and the book from 127.0.0.1, loads
// index.html and calls openBook(url), step(activeClass) and play(...) with Playwright; each returns JSON.
import "/foliate/view.js";

const view = document.createElement("foliate-view");
document.body.append(view);

// Every audio element the player starts (foliate-js keeps its own private): the last one, to read its clock.
let audio = null;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  audio = this;
  return play.call(this);
};

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const doc = () => view.renderer.getContents()[0].doc;

// The next "highlight" the overlay sends: the SMIL item it plays ({text, begin, end}) and the audio's clock then.
function nextHighlight(timeout) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeout);
    view.mediaOverlay.addEventListener(
      "highlight",
      (event) => {
        clearTimeout(timer);
        resolve({ ...event.detail, clock: audio?.currentTime ?? null, paused: audio?.paused ?? null });
      },
      { once: true },
    );
  });
}

// What the reader shows as read aloud: the elements carrying activeClass, once the player has put it on one (it
// turns to the page first), with whether each is in the range foliate-js reports on screen and how it is coloured.
async function active(activeClass, timeout = 3000) {
  const until = performance.now() + timeout;
  let found = [];
  while (performance.now() < until) {
    found = [...doc().getElementsByClassName(activeClass)];
    if (found.length) break;
    await frame();
  }
  await frame();
  const range = view.lastLocation?.range;
  const style = (element) => doc().defaultView.getComputedStyle(element).backgroundColor;
  return found.map((element) => {
    const painted = element.querySelector(".clause-text") ?? element;
    return {
      id: element.id,
      tag: element.localName,
      onScreen: range ? range.intersectsNode(element) : null,
      background: style(painted),
    };
  });
}

// Open the book at url and go to the start of its text; resolve to what the player read from the package.
window.openBook = async (url) => {
  await view.open(url);
  await view.init({ showTextStart: true });
  const { media } = view.book;
  return {
    overlay: Boolean(view.mediaOverlay),
    activeClass: media.activeClass ?? null,
    duration: media.duration ?? null,
    sections: view.book.sections.map((section) => ({ id: section.id, overlay: section.mediaOverlay?.href ?? null })),
    bodyBackground: doc().defaultView.getComputedStyle(doc().body).backgroundColor,
  };
};

// Start the overlay (first) or skip to its next par, as a reader's "next" button does, and report the par played
// and what is highlighted while it plays.
window.step = async (activeClass, first = false) => {
  const highlighted = nextHighlight(5000);
  if (first) view.startMediaOverlay();
  else view.mediaOverlay.next();
  const item = await highlighted;
  return { item, active: item ? await active(activeClass) : [] };
};

// Play at rate from the par whose text is fromHref, unattended, until the par toHref is highlighted: every
// highlight and unhighlight with the audio's clock at that moment.
window.play = async (fromHref, toHref, rate, timeout) => {
  const events = [];
  const record = (kind) => (event) => events.push({ kind, text: event.detail?.text, clock: audio?.currentTime });
  const overlay = view.mediaOverlay;
  const onHighlight = record("highlight");
  const onUnhighlight = record("unhighlight");
  overlay.addEventListener("highlight", onHighlight);
  overlay.addEventListener("unhighlight", onUnhighlight);
  overlay.setRate(rate);
  const started = performance.now();
  const { index } = view.renderer.getContents()[0];
  await overlay.start(index, (item) => item.text.endsWith(fromHref));
  while (performance.now() - started < timeout && !events.some((e) => e.kind === "highlight" && e.text.endsWith(toHref)))
    await sleep(50);
  overlay.removeEventListener("highlight", onHighlight);
  overlay.removeEventListener("unhighlight", onUnhighlight);
  overlay.pause();
  overlay.setRate(1);
  return { events, seconds: (performance.now() - started) / 1000 };
};

window.setRate = (rate) => view.mediaOverlay.setRate(rate);
window.pause = () => view.mediaOverlay.pause();
window.stop = () => view.mediaOverlay.stop();
