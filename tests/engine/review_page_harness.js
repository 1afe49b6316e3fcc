// Runs a review bundle's index.html script under node with a tiny DOM shim, performs the
// reviewer's actions given as JSON, and prints what the page did (downloads, summary text).
// Usage: node review_page_harness.js INDEX_HTML ACTIONS_JSON
"use strict";
const fs = require("fs");
const vm = require("vm");

class El {
  constructor(tag, text) {
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attributes = {};
    this.listeners = {};
    this.className = "";
    this.value = "";
    this.parentNode = null;
    this._text = text || "";
  }
  appendChild(child) { child.parentNode = this; this.childNodes.push(child); return child; }
  removeChild(child) {
    const i = this.childNodes.indexOf(child);
    if (i < 0) throw new Error("removeChild: not a child");
    this.childNodes.splice(i, 1);
    child.parentNode = null;
    return child;
  }
  get firstChild() { return this.childNodes[0] || null; }
  set textContent(text) { this.childNodes = []; this._text = String(text); }
  get textContent() { return this._text + this.childNodes.map((c) => c.textContent).join(""); }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, extra) { for (const fn of this.listeners[type] || []) fn(Object.assign({ type, target: this }, extra)); }
  click() { page.clicks.push(this); this.dispatch("click"); }
  all(pred, out = []) { if (pred(this)) out.push(this); for (const c of this.childNodes) c.all(pred, out); return out; }
}

const page = { clicks: [], blobs: {}, storage: {}, savedTexts: [] };
const [htmlPath, actionsPath] = process.argv.slice(2);
const html = fs.readFileSync(htmlPath, "utf8");
const dataText = html.match(/<script type="application\/json" id="review-data">([\s\S]*?)<\/script>/)[1];
const code = html.match(/<script>\n([\s\S]*?)<\/script>/)[1];
const actions = JSON.parse(fs.readFileSync(actionsPath, "utf8"));

function makeDocument() {
  const body = new El("body"), app = new El("main"), data = new El("script", dataText);
  body.appendChild(app);
  const ids = { app, "review-data": data };
  return {
    body,
    getElementById: (id) => ids[id] || null,
    createElement: (tag) => new El(tag),
    createTextNode: (text) => new El("#text", text),
  };
}

let blobCount = 0;
const window = {
  localStorage: {
    getItem: (k) => (k in page.storage ? page.storage[k] : null),
    setItem: (k, v) => { page.storage[k] = String(v); },
  },
  Blob: class { constructor(parts, options) { this.text = parts.join(""); this.type = options.type; } },
  URL: {
    createObjectURL: (blob) => {
      const url = "blob:" + ++blobCount;
      page.blobs[url] = blob;
      page.savedTexts.push({ text: blob.text, type: blob.type });
      return url;
    },
    revokeObjectURL: (url) => { delete page.blobs[url]; },
  },
  setTimeout: (fn) => fn(),
};

let document = makeDocument();
const context = vm.createContext({ document, window, console });
vm.runInContext(code, context);  // the page starts itself, as in a browser

const root = () => document.getElementById("app");
const find = (pred, what) => {
  const found = root().all(pred);
  if (found.length !== 1) throw new Error(`${what}: found ${found.length}`);
  return found[0];
};
const inCard = (scene, action) => {
  const card = find((e) => e.getAttribute("data-scene") === scene, `card ${scene}`);
  const found = card.all((e) => e.getAttribute("data-action") === action);
  return found;
};
const control = (action) => find((e) => e.getAttribute("data-action") === action, action);
const video = () => find((e) => e.tagName === "VIDEO", "video");

const downloads = [];
for (const step of actions) {
  if (step.do === "decide") inCard(step.scene, step.decision)[0].click();
  else if (step.do === "note") {
    const box = inCard(step.scene, "note")[0];
    box.value = step.text;
    box.dispatch("input");
  } else if (step.do === "seek") {
    video().currentTime = step.time;
    video().dispatch("timeupdate");
  } else if (step.do === "timed") {
    control("timed-text").value = step.text;
    control("add-timed").click();
  } else if (step.do === "remove_timed") inCard(step.scene, "remove-timed")[step.index].click();
  else if (step.do === "reviewer") {
    control("reviewer").value = step.name;
    control("reviewer").dispatch("input");
  } else if (step.do === "reload") {  // a new page over the same browser storage
    document = makeDocument();
    context.startReviewPage(document, window);
  } else if (step.do === "save") {
    const before = page.clicks.length;
    control("save").click();
    const link = page.clicks.slice(before).find((e) => e.tagName === "A");
    downloads.push({
      name: link.getAttribute("download"),
      text: page.savedTexts[page.savedTexts.length - 1].text,
      type: page.savedTexts[page.savedTexts.length - 1].type,
      revoked: !(link.getAttribute("href") in page.blobs),
      attached: link.parentNode !== null,
    });
  } else throw new Error("unknown step " + step.do);
}
const summary = root().all((e) => e.className === "counts")[0].textContent;
const hint = root().all((e) => e.className === "hint")[0].textContent;
const pressed = {};
for (const card of root().all((e) => e.getAttribute("data-scene") !== null)) {
  const on = card.all((e) => e.getAttribute("aria-pressed") === "true");
  pressed[card.getAttribute("data-scene")] = on.map((e) => e.getAttribute("data-action"));
}
const nowLabel = root().all((e) => e.className === "now").map((e) => e.textContent)[0] || null;
const fmt = [0, 12.5, 59.96, 61.04, 3723.5].map((t) => context.Review.fmtTime(t));
process.stdout.write(JSON.stringify({ downloads, summary, hint, pressed, now: nowLabel, fmt, storage: Object.keys(page.storage) }));
