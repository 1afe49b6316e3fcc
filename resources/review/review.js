/* GenStudio review sheet. Runs from file:// with no network: everything it needs is in this
   page (the scene data in #review-data) and beside it (images/, animatic.mp4).
   `Review` is the logic (no DOM): state, decisions, timed notes and the review.json it saves;
   node runs it in the tests. The second part draws the page and wires it to `Review`. */
"use strict";

var Review = (function () {
  var FORMAT = "genstudio-review";
  var VERSION = 1;
  var DECISIONS = ["none", "approved", "changes_requested"];

  /* 12.5 -> "00:12.5"; 3723.5 -> "1:02:03.5" (the same text GenStudio writes into notes) */
  function fmtTime(seconds) {
    var tenths = Math.round(seconds * 10);
    var whole = Math.floor(tenths / 10), tenth = tenths % 10;
    var hours = Math.floor(whole / 3600), minutes = Math.floor((whole % 3600) / 60);
    var secs = whole % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(secs) + "." + tenth;
  }

  function newState(data) {
    var state = { reviewer: "", scenes: {} };
    data.scenes.forEach(function (scene) {
      state.scenes[scene.id] = { decision: "none", note: "", timed_notes: [] };
    });
    return state;
  }

  /* Bring back work saved in this browser; anything that does not fit today's data is dropped. */
  function restoreState(data, saved) {
    var state = newState(data);
    if (!saved || typeof saved !== "object") return state;
    if (typeof saved.reviewer === "string") state.reviewer = saved.reviewer;
    var scenes = saved.scenes || {};
    Object.keys(state.scenes).forEach(function (id) {
      var old = scenes[id];
      if (!old || typeof old !== "object") return;
      var mine = state.scenes[id];
      if (DECISIONS.indexOf(old.decision) >= 0) mine.decision = old.decision;
      if (typeof old.note === "string") mine.note = old.note;
      if (Array.isArray(old.timed_notes)) {
        mine.timed_notes = old.timed_notes.filter(function (n) {
          return n && typeof n.text === "string" && typeof n.time === "number" && isFinite(n.time) && n.time >= 0;
        });
      }
    });
    return state;
  }

  /* The scene on screen at animatic time `t`: the last one that has started by then. */
  function sceneAt(data, t) {
    var found = null;
    data.scenes.forEach(function (scene) {
      if (scene.animatic_start !== null && scene.animatic_start <= t + 1e-6) {
        if (!found || scene.animatic_start >= found.animatic_start) found = scene;
      }
    });
    return found;
  }

  function setDecision(state, id, decision) {
    if (DECISIONS.indexOf(decision) < 0) throw new Error("unknown decision " + decision);
    state.scenes[id].decision = decision;
  }

  function setNote(state, id, text) { state.scenes[id].note = text; }

  /* Adds `text` at animatic time `time` to the scene playing then; returns that scene or null. */
  function addTimedNote(state, data, time, text) {
    text = (text || "").trim();
    if (!text || !isFinite(time) || time < 0) return null;
    var scene = sceneAt(data, time);
    if (!scene) return null;
    var notes = state.scenes[scene.id].timed_notes;
    notes.push({ time: Math.round(time * 10) / 10, text: text });
    notes.sort(function (a, b) { return a.time - b.time; });
    return scene;
  }

  function removeTimedNote(state, id, index) { state.scenes[id].timed_notes.splice(index, 1); }

  function counts(state) {
    var c = { approved: 0, changes_requested: 0, none: 0, silent_changes: 0 };
    Object.keys(state.scenes).forEach(function (id) {
      var s = state.scenes[id];
      c[s.decision] += 1;
      if (s.decision === "changes_requested" && !s.note.trim() && !s.timed_notes.length) c.silent_changes += 1;
    });
    return c;
  }

  /* The review.json GenStudio imports (`genstudio review import PROJECT review.json`). */
  function buildReview(data, state, now) {
    return {
      format: FORMAT,
      version: VERSION,
      project_id: data.project.id,
      project_title: data.project.title,
      export_id: data.export_id,
      reviewer: state.reviewer.trim(),
      saved_at: (now || new Date()).toISOString(),
      scenes: data.scenes.map(function (scene) {
        var s = state.scenes[scene.id];
        return {
          id: scene.id,
          number: scene.number,
          content_hash: scene.content_hash,
          decision: s.decision,
          note: s.note.trim(),
          timed_notes: s.timed_notes.map(function (n) { return { time: n.time, text: n.text }; })
        };
      })
    };
  }

  return {
    FORMAT: FORMAT, VERSION: VERSION, fmtTime: fmtTime, newState: newState,
    restoreState: restoreState, sceneAt: sceneAt, setDecision: setDecision, setNote: setNote,
    addTimedNote: addTimedNote, removeTimedNote: removeTimedNote, counts: counts,
    buildReview: buildReview
  };
})();

if (typeof module !== "undefined" && module.exports) module.exports = Review;

/* ---- the page ------------------------------------------------------------------------- */
function startReviewPage(doc, win) {
  var data = JSON.parse(doc.getElementById("review-data").textContent);
  var storeKey = "genstudio-review:" + data.export_id;
  var state;
  try { state = Review.restoreState(data, JSON.parse(win.localStorage.getItem(storeKey) || "null")); }
  catch (e) { state = Review.newState(data); }  // storage may be off for file:// pages
  var refs = {};  // scene id -> {card, buttons, timed}
  var video = null, nowLabel = null, addButton = null, summary = null, hint = null, saved = null;

  function el(tag, cls, text) {
    var node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function persist() {
    try { win.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* off */ }
    if (saved) saved.textContent = "";
    refreshSummary();
  }
  function seek(seconds) {
    if (!video) return;
    video.currentTime = seconds;
    if (video.scrollIntoView) video.scrollIntoView({ block: "nearest" });
  }
  function currentTime() { return video ? Number(video.currentTime) || 0 : 0; }

  function refreshNow() {
    if (!video) return;
    var t = currentTime(), scene = Review.sceneAt(data, t);
    nowLabel.textContent = Review.fmtTime(t) + (scene ? " · scene " + scene.display_number + " · " + scene.heading : "");
    addButton.textContent = "Add note at " + Review.fmtTime(t);
  }
  function refreshDecision(id) {
    var r = refs[id], decision = state.scenes[id].decision;
    r.card.className = "card decided-" + decision;
    Object.keys(r.buttons).forEach(function (d) {
      r.buttons[d].setAttribute("aria-pressed", d === decision ? "true" : "false");
    });
  }
  function refreshTimed(id) {
    var list = refs[id].timed;
    clear(list);
    state.scenes[id].timed_notes.forEach(function (note, index) {
      var item = el("li");
      var tc = el("span", "tc", "[" + Review.fmtTime(note.time) + "]");
      tc.addEventListener("click", function () { seek(note.time); });
      var remove = el("button", "x", "×");
      remove.setAttribute("title", "Remove this note");
      remove.setAttribute("data-action", "remove-timed");
      remove.addEventListener("click", function () {
        Review.removeTimedNote(state, id, index);
        refreshTimed(id);
        persist();
      });
      item.appendChild(tc);
      item.appendChild(el("span", "", note.text));
      item.appendChild(remove);
      list.appendChild(item);
    });
  }
  function refreshSummary() {
    var c = Review.counts(state);
    summary.textContent = c.approved + " approved · " + c.changes_requested + " changes requested · " + c.none + " undecided";
    hint.textContent = c.silent_changes ? c.silent_changes + " scene(s) ask for changes without a note: say what to change." : "";
  }

  function card(scene) {
    var box = el("article", "card");
    box.setAttribute("data-scene", scene.id);
    var pic = el("div", "pic");
    if (scene.image) {
      var img = el("img");
      img.setAttribute("src", scene.image);
      img.setAttribute("alt", "Scene " + scene.display_number);
      img.setAttribute("loading", "lazy");
      pic.appendChild(img);
    } else {
      pic.textContent = "no picture yet";
    }
    if (video && scene.animatic_start !== null) {
      pic.className = "pic seekable";
      pic.setAttribute("title", "Play from this scene");
      pic.addEventListener("click", function () { seek(scene.animatic_start); });
    }
    box.appendChild(pic);
    var body = el("div", "body");
    var head = el("div", "head");
    head.appendChild(el("span", "num", scene.display_number));
    head.appendChild(doc.createTextNode(scene.heading || "(no heading)"));
    body.appendChild(head);
    if (scene.action) body.appendChild(el("p", "action", scene.action));
    if (scene.dialogue.length) {
      var lines = el("ul", "dialogue");
      scene.dialogue.forEach(function (d) {
        var li = el("li");
        li.appendChild(el("b", "", d.character + (d.parenthetical ? " (" + d.parenthetical + ")" : "") + ": "));
        li.appendChild(doc.createTextNode(d.line));
        lines.appendChild(li);
      });
      body.appendChild(lines);
    }
    var where = !data.animatic ? "" : scene.animatic_start !== null ? " · at " + Review.fmtTime(scene.animatic_start) + " in the animatic" : " · not in the animatic yet";
    body.appendChild(el("div", "meta", scene.duration.toFixed(1) + " s · " + scene.camera + where));
    var status = el("div", "meta", "Now: ");
    status.appendChild(el("span", "badge " + scene.approval, scene.approval_label + (scene.locked ? " · locked" : "")));
    body.appendChild(status);
    if (scene.approval_note) body.appendChild(el("div", "prior-note", "Earlier note: " + scene.approval_note));

    var decide = el("div", "decide"), buttons = {};
    [["approved", "approve", "Approve"], ["changes_requested", "changes", "Request changes"], ["none", "undecided", "Undecided"]].forEach(function (spec) {
      var b = el("button", spec[1], spec[2]);
      b.setAttribute("type", "button");
      b.setAttribute("data-action", spec[0]);
      b.addEventListener("click", function () {
        Review.setDecision(state, scene.id, spec[0]);
        refreshDecision(scene.id);
        persist();
      });
      buttons[spec[0]] = b;
      decide.appendChild(b);
    });
    body.appendChild(decide);
    var note = el("textarea");
    note.setAttribute("placeholder", "Note for this scene (what to change, or why it works)");
    note.setAttribute("data-action", "note");
    note.value = state.scenes[scene.id].note;
    note.addEventListener("input", function () { Review.setNote(state, scene.id, note.value); persist(); });
    body.appendChild(note);
    var timed = el("ul", "timed");
    body.appendChild(timed);
    box.appendChild(body);
    refs[scene.id] = { card: box, buttons: buttons, timed: timed };
    return box;
  }

  function sidePanel() {
    var side = el("aside", "side");
    if (data.animatic) {
      var player = el("section", "panel");
      player.appendChild(el("h2", "", "Animatic"));
      video = el("video");
      video.setAttribute("src", data.animatic.file);
      video.setAttribute("controls", "");
      video.setAttribute("preload", "metadata");
      player.appendChild(video);
      nowLabel = el("div", "now");
      player.appendChild(nowLabel);
      var row = el("div", "row");
      var text = el("input");
      text.setAttribute("type", "text");
      text.setAttribute("placeholder", "Note at this moment, e.g. too dark");
      text.setAttribute("data-action", "timed-text");
      addButton = el("button", "", "Add note");
      addButton.setAttribute("type", "button");
      addButton.setAttribute("data-action", "add-timed");
      var add = function () {
        var scene = Review.addTimedNote(state, data, currentTime(), text.value);
        if (!scene) return;
        text.value = "";
        refreshTimed(scene.id);
        persist();
      };
      addButton.addEventListener("click", add);
      text.addEventListener("keydown", function (e) { if (e.key === "Enter") add(); });
      row.appendChild(text);
      row.appendChild(addButton);
      player.appendChild(row);
      video.addEventListener("timeupdate", refreshNow);
      video.addEventListener("seeked", refreshNow);
      side.appendChild(player);
    }
    var panel = el("section", "panel");
    panel.appendChild(el("h2", "", "Your review"));
    var name = el("input");
    name.setAttribute("type", "text");
    name.setAttribute("placeholder", "Your name");
    name.setAttribute("data-action", "reviewer");
    name.value = state.reviewer;
    name.addEventListener("input", function () { state.reviewer = name.value; persist(); });
    panel.appendChild(name);
    summary = el("div", "counts");
    panel.appendChild(summary);
    var save = el("button", "primary", "Save review");
    save.setAttribute("type", "button");
    save.setAttribute("data-action", "save");
    save.addEventListener("click", function () {
      var json = JSON.stringify(Review.buildReview(data, state, new Date()), null, 2);
      var url = win.URL.createObjectURL(new win.Blob([json], { type: "application/json" }));
      var link = el("a");
      link.setAttribute("href", url);
      link.setAttribute("download", "review.json");
      doc.body.appendChild(link);
      link.click();
      doc.body.removeChild(link);
      win.setTimeout(function () { win.URL.revokeObjectURL(url); }, 1000);
      saved.textContent = "Saved review.json to your downloads. Send it to the creator.";
    });
    panel.appendChild(save);
    hint = el("p", "hint");
    saved = el("p", "saved");
    panel.appendChild(hint);
    panel.appendChild(saved);
    var links = el("p", "meta");
    var pdf = el("a", "", "Printable storyboard (PDF)");
    pdf.setAttribute("href", data.storyboard_pdf);
    links.appendChild(pdf);
    if (data.storyboard_pdf) panel.appendChild(links);
    side.appendChild(panel);
    return side;
  }

  var app = doc.getElementById("app");
  app.appendChild(sidePanel());
  var cards = el("section", "cards");
  data.scenes.forEach(function (scene) { cards.appendChild(card(scene)); });
  app.appendChild(cards);
  data.scenes.forEach(function (scene) { refreshDecision(scene.id); refreshTimed(scene.id); });
  refreshSummary();
  refreshNow();
}

if (typeof document !== "undefined" && typeof window !== "undefined") {
  startReviewPage(document, window);
} else if (typeof module !== "undefined" && module.exports) {
  module.exports.startReviewPage = startReviewPage;
}
