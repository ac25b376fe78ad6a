// Read PDFs as Firefox's viewer does, with pdf.js (pdfjs-dist, legacy build, Node >= 22); print one JSON report.
//
// usage: node pdfjs.mjs NODE_MODULES FILE.pdf...
// For each file: the page count; the outline (bookmarks, nested, each with the page it opens); the named
// destinations and the page each resolves to; and per page the structure tree pdf.js exposes to screen readers
// (getStructTree), the annotations (getAnnotations, with the page an internal link's destination resolves to) and
// the text (getTextContent with marked content): the text of each marked-content id and the page's lines, each
// with the marked-content ids it draws from (artifacts such as running heads have none).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const pdfjs = await import(pathToFileURL(path.join(modules, "pdfjs-dist", "legacy", "build", "pdf.mjs")).href);

async function pageOf(doc, dest) {
  // A destination (a name or an explicit array) -> 1-based page number, or null when it resolves to none.
  const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
  if (!Array.isArray(explicit) || explicit.length === 0) return null;
  const target = explicit[0];
  return (typeof target === "number" ? target : await doc.getPageIndex(target)) + 1;
}

async function outline(doc, items, level) {
  const out = [];
  for (const item of items || []) {
    out.push({ level, title: item.title, dest: typeof item.dest === "string" ? item.dest : null,
               page: item.dest ? await pageOf(doc, item.dest) : null });
    out.push(...(await outline(doc, item.items, level + 1)));
  }
  return out;
}

function textOf(content) {
  // The text of each marked-content id, and the page's lines in content order: each line's text (items joined until
  // one ends a line; pdf.js adds a space where it sees a gap) and the marked-content ids it draws from.
  const marked = {};
  const lines = [];
  const stack = [];
  let line = { text: "", mc: [] };
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      stack.push(item.id ?? null);
    } else if (item.type === "endMarkedContent") {
      stack.pop();
    } else if (item.str !== undefined) {
      const id = stack.findLast((entry) => entry !== null);
      if (id !== undefined) {
        marked[id] = (marked[id] ?? "") + item.str;
        if (item.str && !line.mc.includes(id)) line.mc.push(id);
      }
      line.text += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = { text: "", mc: [] };
      }
    }
  }
  if (line.text) lines.push(line);
  return { marked, lines };
}

const reports = [];
for (const file of files) {
  const data = new Uint8Array(await readFile(file));
  const task = pdfjs.getDocument({ data, verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  const destinations = {};
  for (const [name, dest] of await doc.getDestinations()) destinations[name] = await pageOf(doc, dest);
  const pages = [];
  for (let number = 1; number <= doc.numPages; number++) {
    const page = await doc.getPage(number);
    const annotations = [];
    for (const a of await page.getAnnotations()) {
      annotations.push({
        id: a.id, subtype: a.annotationType === pdfjs.AnnotationType.LINK ? "Link" : a.subtype,
        dest: typeof a.dest === "string" ? a.dest : null, url: a.url ?? null,
        page: a.dest ? await pageOf(doc, a.dest) : null,
        contents: a.contentsObj?.str ?? "", overlaidText: a.overlaidText ?? "", rect: a.rect,
      });
    }
    const text = textOf(await page.getTextContent({ includeMarkedContent: true }));
    pages.push({ number, structTree: await page.getStructTree(), annotations, ...text });
  }
  reports.push({ file, pages: doc.numPages, outline: await outline(doc, await doc.getOutline(), 1), destinations,
                 pageList: pages });
  await task.destroy();
}
process.stdout.write(JSON.stringify(reports));
