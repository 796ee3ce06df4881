// memlab's probe viewer: renders the index in #memlab-data at once, and loads the chunks of
// conversations (chunks.py) when a view needs them: from JSON elements of the page, or from
// chunk-N.js files beside it that call memlabChunk(n, "<the chunk's JSON>"). Scripts, not
// fetch(), since browsers refuse fetch() of file:// addresses. Pages are hash routes (#/,
// #/probes, #/probe/<conversation>/<probe>, #/diff, #/timeline) so the same page works
// served from 127.0.0.1 and opened from disk.
"use strict";

const DATA = JSON.parse(document.getElementById("memlab-data").textContent);
const DESIGNS = new Map(DATA.designs.map((d) => [d.variant_id, d]));
const CHUNK_OF = new Map(DATA.chunks.flatMap((ids, n) => ids.map((c) => [c, n])));
// Filled as chunks arrive.
const PROBES = new Map();
const TURNS = {};
const SESSION_DATES = {};
const TIMELINES = new Map();
const CHUNK_ROWS = [];
const LOADING = [];
const WAITING = {};
const MAX_ROWS = 500;
// Scores where lower is better (a stale fact in the context is a fault).
const LOWER_IS_BETTER = new Set(["stale_in_context"]);

function key(conversation, probe) {
  return conversation + "\u0000" + probe;
}

function spaceKey(t) {
  return [t.conversation_id, t.ingest_id, t.principal].join("\u0000");
}

// ------------------------------------------------------------------ chunks
// A chunk file calls this with its conversations.
window.memlabChunk = (n, parts) => {
  const resolve = WAITING[n];
  delete WAITING[n];
  if (resolve) resolve(JSON.parse(parts));
};

function absorb(n, parts) {
  const rows = [];
  for (const part of parts) {
    const c = part.conversation_id;
    for (const p of part.probes) PROBES.set(key(c, p.probe_id), p);
    TURNS[c] = part.turns;
    SESSION_DATES[c] = part.session_dates;
    for (const t of part.timelines) TIMELINES.set(spaceKey(t), t);
    // Results cite the conversation's items by position; keep the items themselves.
    for (const r of part.results) rows.push({ ...r, items: r.recalled.map((i) => part.items[i]) });
  }
  CHUNK_ROWS[n] = rows;
}

function loadChunk(n) {
  if (!LOADING[n]) {
    LOADING[n] = new Promise((resolve, reject) => {
      const inline = document.getElementById("memlab-chunk-" + n);
      if (inline) {
        resolve(JSON.parse(inline.textContent));
        return;
      }
      WAITING[n] = resolve;
      const script = document.createElement("script");
      script.src = DATA.chunk_base + "/chunk-" + n + ".js";
      script.onerror = () => reject(new Error("could not load " + script.src +
        "; keep the folder " + DATA.chunk_base + " beside the page"));
      document.head.append(script);
    }).then((parts) => absorb(n, parts));
  }
  return LOADING[n];
}

async function loadChunks(chunks, progress) {
  let done = chunks.filter((n) => CHUNK_ROWS[n]).length;
  await Promise.all(chunks.map((n) => loadChunk(n).then(() => progress(++done, chunks.length))));
}

// Results of the loaded chunks, in document order.
function loadedResults() {
  return DATA.chunks.flatMap((_, n) => CHUNK_ROWS[n] || []);
}

function allChunks() {
  return DATA.chunks.map((_, n) => n);
}

// Build an element; children are nodes or strings (always text, never parsed as HTML).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "onchange") node.addEventListener("change", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function fmt(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function tokens(value) {
  return value === null || value === undefined ? "–" : Math.round(value).toLocaleString("en");
}

// The payload leaves out what the recalled items already say (payload.py); rebuild it.
function contextOf(r) {
  if (r.context !== null && r.context !== undefined) return r.context;
  return r.items.length ? r.items.map((item) => item.text).join("\n") : "";
}

function turnIdsOf(r) {
  return r.recalled_turn_ids ?? r.items.flatMap((item) => item.turn_ids);
}

function label(variantId) {
  const design = DESIGNS.get(variantId);
  return design ? design.label : variantId;
}

// A probe row's outcome on one score: error, undefined, 1, 0 or partial.
function outcome(result, score) {
  if (result.status !== "ok") return "error";
  const value = result.scores[score];
  if (value === null || value === undefined) return "undefined";
  if (value === 1) return "1";
  if (value === 0) return "0";
  return "partial";
}

function outcomeBadge(result, score) {
  const o = outcome(result, score);
  const text = o === "partial" ? fmt(result.scores[score], 2) : o;
  return el("span", { class: "outcome-" + o, "data-outcome": o }, text);
}

function params() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  return { path: path.split("/").filter(Boolean).map(decodeURIComponent),
           query: new URLSearchParams(query || "") };
}

function go(path, query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
  location.hash = "#" + path + (q ? "?" + q : "");
}

function select(name, options, current, onchange) {
  return el("label", {}, name,
    el("select", { name, onchange },
      options.map(([value, text]) => el("option", { value, selected: value === current }, text))));
}

function chosenScore(query) {
  const s = query.get("score");
  return DATA.scores.includes(s) ? s : DATA.score;
}

function scoreSelect(query, path) {
  return select("score", DATA.scores.map((s) => [s, s]), chosenScore(query), (e) => {
    const q = Object.fromEntries(query.entries());
    go(path, { ...q, score: e.target.value });
  });
}

// ------------------------------------------------------------------ leaderboard
function leaderboard(query) {
  const score = chosenScore(query);
  // Best first: high scores, except for scores where lower is better; undefined last.
  const sign = LOWER_IS_BETTER.has(score) ? -1 : 1;
  const rank = (d) => d.scores[score]?.mean ?? null;
  const rows = [...DATA.designs].sort((a, b) => rank(a) === null ? 1 : rank(b) === null ? -1
    : sign * (rank(b) - rank(a)));
  const others = DATA.scores.filter((s) => s !== score);
  return [
    el("h2", {}, "Leaderboard"),
    el("div", { class: "filters" }, scoreSelect(query, "/")),
    el("p", { class: "muted" },
      "Mean over scored probes with its 95% bootstrap interval (resampled by conversation). " +
      "Tokens per probe: ingest + recall + answer. ★ Pareto: no design has fewer tokens and " +
      (LOWER_IS_BETTER.has(score) ? "a lower " : "a higher ") + score + "."),
    el("table", { id: "leaderboard" },
      el("thead", {}, el("tr", {},
        el("th", {}, "#"), el("th", {}, "design"), el("th", {}, score + " [95% interval]"),
        el("th", {}, "n"), el("th", {}, "tokens/probe"), el("th", {}, "context tokens/probe"),
        el("th", {}, "errors"), el("th", {}, "Pareto"), el("th", {}, "diff"),
        others.map((s) => el("th", { class: "other" }, s)))),
      el("tbody", {}, rows.map((d, i) => {
        const s = d.scores[score] || { mean: null, lo: null, hi: null, n: 0 };
        return el("tr", { "data-variant": d.variant_id },
          el("td", { class: "num" }, i + 1),
          el("td", { class: "design-label" },
            el("a", { href: "#/probes?design=" + encodeURIComponent(d.variant_id) },
            d.label)),
          el("td", { class: "num" }, fmt(s.mean),
            el("span", { class: "ci" }, " [" + fmt(s.lo) + "–" + fmt(s.hi) + "]")),
          el("td", { class: "num" }, s.n),
          el("td", { class: "num" }, tokens(d.tokens_per_probe)),
          el("td", { class: "num" }, tokens(d.context_tokens_per_probe)),
          el("td", { class: "num" }, d.n_errors),
          el("td", { class: "pareto" }, d.pareto_scores.includes(score) ? "★" : ""),
          el("td", {}, i === 0 ? "" : el("a", { class: "vs-best", href: "#/diff?" +
            new URLSearchParams({ a: rows[0].variant_id, b: d.variant_id, score }) }, "vs #1")),
          others.map((o) => el("td", { class: "num other" }, fmt(d.scores[o]?.mean))));
      }))),
  ];
}

// ------------------------------------------------------------------ probe list
function probeList(query) {
  const score = chosenScore(query);
  const f = { design: query.get("design") || "", category: query.get("category") || "",
              outcome: query.get("outcome") || "", conversation: query.get("conversation") || "",
              q: query.get("q") || "" };
  const update = (name) => (e) => go("/probes", { ...f, score, [name]: e.target.value });
  const conversations = DATA.chunks.flat();
  const needle = f.q.toLowerCase();
  const found = (r, probe) => !needle || r.probe_id.toLowerCase().includes(needle) ||
    r.conversation_id.toLowerCase().includes(needle) ||
    (probe && probe.question.toLowerCase().includes(needle));
  const rows = loadedResults().filter((r) => {
    const probe = PROBES.get(key(r.conversation_id, r.probe_id));
    return (!f.design || r.variant_id === f.design) &&
      (!f.conversation || r.conversation_id === f.conversation) &&
      (!f.category || (probe && (probe.category || "") === f.category)) &&
      (!f.outcome || outcome(r, score) === f.outcome) && found(r, probe);
  });
  return [
    el("h2", {}, "Probes"),
    el("div", { class: "filters" },
      select("design", [["", "all"], ...DATA.designs.map((d) => [d.variant_id, d.label])],
        f.design, update("design")),
      el("label", {}, "search ", el("input", { name: "q", type: "search", value: f.q,
        placeholder: "question or probe id", onchange: update("q") })),
      select("category", [["", "all"], ...DATA.categories.map((c) => [c, c])], f.category,
        update("category")),
      select("outcome", [["", "all"], ["1", "scored 1"], ["0", "scored 0"],
        ["partial", "between 0 and 1"], ["undefined", "undefined"], ["error", "error"]],
        f.outcome, update("outcome")),
      select("conversation", [["", "all"], ...conversations.map((c) => [c, c])],
        f.conversation, update("conversation")),
      scoreSelect(query, "/probes")),
    el("p", { class: "muted", id: "probe-count" }, rows.length + " rows" +
      (rows.length > MAX_ROWS ? " (showing the first " + MAX_ROWS + ")" : "")),
    el("table", { id: "probes" },
      el("thead", {}, el("tr", {}, ["conversation", "probe", "question", "category", "design",
        score, "context tokens"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.slice(0, MAX_ROWS).map((r) => {
        const probe = PROBES.get(key(r.conversation_id, r.probe_id));
        const href = "#/probe/" + encodeURIComponent(r.conversation_id) + "/" +
          encodeURIComponent(r.probe_id);
        return el("tr", {},
          el("td", {}, r.conversation_id),
          el("td", {}, el("a", { href }, r.probe_id)),
          el("td", {}, probe ? probe.question : ""),
          el("td", {}, probe ? probe.category : ""),
          el("td", {}, label(r.variant_id)),
          el("td", {}, outcomeBadge(r, score)),
          el("td", { class: "num" }, tokens(r.context_tokens)));
      }))),
  ];
}

// ------------------------------------------------------------------ probe page
function turnChips(conversation, turnIds, evidence) {
  const turns = TURNS[conversation] || {};
  return turnIds.map((t) => el("span", {
    class: "chip" + (evidence.has(t) ? " evidence-hit" : ""),
    title: turns[t] ? turns[t].speaker + ": " + turns[t].text : null,
  }, t));
}

function probePage(conversation, probeId, query) {
  const probe = PROBES.get(key(conversation, probeId));
  const evidence = new Set(probe ? probe.evidence : []);
  const turns = TURNS[conversation] || {};
  const rows = (CHUNK_ROWS[CHUNK_OF.get(conversation)] || []).filter((r) =>
    r.conversation_id === conversation && r.probe_id === probeId);
  const score = chosenScore(query);
  return [
    el("h2", {}, "Probe " + conversation + " / " + probeId),
    el("div", { class: "card", id: "probe-question" },
      el("p", {}, el("strong", {}, probe ? probe.question : "(the dataset was not loaded)")),
      probe ? el("p", {}, "Gold: ",
        probe.abstention ? el("em", {}, "not in the conversation (abstention)")
          : probe.answers.join(" | "),
        el("span", { class: "muted" }, " · category " + probe.category)) : null,
      el("h3", {}, "Evidence turns"),
      probe && probe.evidence.length ? probe.evidence.map((t) => el("div",
        { class: "turn evidence", "data-turn": t },
        el("span", { class: "chip evidence-hit" }, t), " ",
        turns[t] ? [el("strong", {}, turns[t].speaker + ": "), turns[t].text,
          el("span", { class: "muted" }, " · session " + turns[t].session + " · " +
            (turns[t].date || "").slice(0, 10))] : el("span", { class: "muted" }, "(no text)")))
        : el("p", { class: "muted" }, "none")),
    el("div", { class: "filters" }, scoreSelect(query,
      "/probe/" + encodeURIComponent(conversation) + "/" + encodeURIComponent(probeId))),
    rows.map((r) => designCard(r, evidence, score)),
  ];
}

function designCard(r, evidence, score) {
  const verdict = r.scores.judge;
  return el("div", { class: "card design", "data-variant": r.variant_id },
    el("h3", {}, label(r.variant_id), r.repeat ? " (repeat " + r.repeat + ")" : "", " · ",
      score, " ", outcomeBadge(r, score)),
    timelineLink(r),
    r.status !== "ok" ? el("pre", { class: "outcome-error" }, r.error || "error") : null,
    el("p", { class: "muted" }, Object.entries(r.scores).map(([s, v]) => s + " " + fmt(v, 2))
      .join(" · ")),
    el("p", {}, "Recalled, in rank order (", tokens(r.context_tokens), " context tokens):"),
    r.items.length ? el("ol", {}, r.items.map((item) => el("li", {
      class: item.turn_ids.some((t) => evidence.has(t)) ? "evidence-item" : null },
      item.text ?? el("span", { class: "muted" }, item.id), " ",
      turnChips(r.conversation_id, item.turn_ids, evidence))))
      : el("p", { class: "muted" }, "nothing"),
    turnIdsOf(r).length ? el("p", {}, "Source turns: ",
      turnChips(r.conversation_id, turnIdsOf(r), evidence)) : null,
    el("details", {}, el("summary", {}, "Context the answerer read"), el("pre", {}, contextOf(r))),
    r.answer !== null ? el("p", {}, "Answer: ", el("strong", {}, r.answer),
      verdict === null || verdict === undefined ? null
        : el("span", { class: verdict >= 0.5 ? "outcome-1" : "outcome-0" },
          " · judge (" + (r.judge_model || "?") + "): " + (verdict >= 0.5 ? "correct" : "wrong")))
      : null);
}

// ------------------------------------------------------------------ two-design diff
function diffPage(query) {
  const ids = DATA.designs.map((d) => d.variant_id);
  const a = query.get("a") || ids[0];
  const b = query.get("b") || ids[1] || ids[0];
  const score = chosenScore(query);
  const byKey = (v) => new Map(loadedResults().filter((r) => r.variant_id === v)
    .map((r) => [key(r.conversation_id, r.probe_id) + "\u0000" + r.repeat, r]));
  const left = byKey(a);
  const right = byKey(b);
  const flipped = [];
  for (const [k, ra] of left) {
    const rb = right.get(k);
    if (!rb || ra.status !== "ok" || rb.status !== "ok") continue;
    const va = ra.scores[score];
    const vb = rb.scores[score];
    if (va !== null && vb !== null && va !== vb) flipped.push([ra, rb]);
  }
  const options = DATA.designs.map((d) => [d.variant_id, d.label]);
  const update = (name) => (e) => go("/diff", { a, b, score, [name]: e.target.value });
  return [
    el("h2", {}, "Two designs"),
    el("div", { class: "filters" }, select("a", options, a, update("a")),
      select("b", options, b, update("b")), scoreSelect(query, "/diff")),
    el("p", { id: "flip-count" }, flipped.length + " probes where " + score + " differs (" +
      flipped.filter(([ra, rb]) => rb.scores[score] > ra.scores[score]).length + " better with B)"),
    el("table", { id: "flipped" },
      el("thead", {}, el("tr", {}, ["probe", "question", "A", "B", "contexts (A | B)"]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, flipped.map(([ra, rb]) => {
        const probe = PROBES.get(key(ra.conversation_id, ra.probe_id));
        return el("tr", { class: "flip", "data-probe": ra.conversation_id + "/" + ra.probe_id },
          el("td", {}, el("a", { href: "#/probe/" + encodeURIComponent(ra.conversation_id) +
            "/" + encodeURIComponent(ra.probe_id) }, ra.conversation_id + "/" + ra.probe_id)),
          el("td", {}, probe ? probe.question : ""),
          el("td", {}, outcomeBadge(ra, score)),
          el("td", {}, outcomeBadge(rb, score)),
          el("td", {}, el("div", { class: "side" }, el("pre", {}, contextOf(ra)),
            el("pre", {}, contextOf(rb)))));
      }))),
  ];
}

// ------------------------------------------------------------------ memory timeline
function timelinePage(query) {
  if (!DATA.spaces.length) return [el("h2", {}, "Memory timeline"),
    el("p", { class: "muted" }, "No memory events in this experiment.")];
  const spaces = DATA.spaces.map((t, i) => [String(i),
    t.conversation_id + " · " + ingestLabel(t.ingest_id) + " · " + t.principal]);
  const index = spaceIndex(query);
  const t = TIMELINES.get(spaceKey(DATA.spaces[index]));
  const sessions = new Map();
  for (const e of t.events) {
    const s = e.session || "(no cited turn)";
    if (!sessions.has(s)) sessions.set(s, []);
    sessions.get(s).push(e);
  }
  const dates = SESSION_DATES[t.conversation_id] || {};
  return [
    el("h2", {}, "Memory timeline"),
    el("div", { class: "filters" }, select("memory", spaces, String(index),
      (e) => go("/timeline", { space: e.target.value }))),
    [...sessions].map(([s, events]) => el("div", { class: "card" },
      el("h3", {}, "Session " + s, " ", el("span", { class: "muted" }, sessionDate(dates, s))),
      el("table", {}, el("tbody", {}, events.map((e) => el("tr", {},
        el("td", { class: "op-" + e.op }, e.op + (e.status !== "applied" ? " (" + e.status + ")" : "")),
        el("td", {}, e.op === "update" ? [el("s", {}, e.before || ""), " → ", e.after || ""]
          : (e.after ?? e.before ?? "")),
        el("td", {}, turnChips(t.conversation_id, e.turn_ids, new Set())))))))),
  ];
}

// A link to the memory history this row recalled from (its conversation and ingest).
function timelineLink(r) {
  const design = DESIGNS.get(r.variant_id);
  const index = DATA.spaces.findIndex((t) => design &&
    t.conversation_id === r.conversation_id && t.ingest_id === design.ingest_id);
  return index < 0 ? null : el("p", {}, el("a", { class: "timeline-link",
    href: "#/timeline?space=" + index }, "memory timeline of this conversation"));
}

function ingestLabel(ingestId) {
  const design = DATA.designs.find((d) => d.ingest_id === ingestId);
  return design ? design.label.split(" · ")[0] : ingestId;
}

function sessionDate(dates, session) {
  return (dates[session] || "").slice(0, 10);
}

function spaceIndex(query) {
  const index = Number(query.get("space") || 0);
  return DATA.spaces[index] ? index : 0;
}

// ------------------------------------------------------------------ router
// The chunks a route reads: one conversation's for a probe, a timeline or a filtered list;
// every chunk for the whole list, a search or the diff.
function chunksFor(path, query) {
  const one = (c) => (CHUNK_OF.has(c) ? [CHUNK_OF.get(c)] : []);
  if (path[0] === "probes") return query.get("conversation") ? one(query.get("conversation"))
    : allChunks();
  if (path[0] === "probe" && path.length >= 3) return one(path[1]);
  if (path[0] === "diff") return allChunks();
  if (path[0] === "timeline") return DATA.spaces.length
    ? one(DATA.spaces[spaceIndex(query)].conversation_id) : [];
  return [];
}

let rendering = 0;

async function render() {
  const mine = ++rendering;
  const { path, query } = params();
  const app = document.getElementById("app");
  const status = document.getElementById("status");
  app.removeAttribute("data-ready");
  const needed = chunksFor(path, query).filter((n) => !CHUNK_ROWS[n]);
  if (needed.length) {
    status.textContent = "loading…";
    try {
      await loadChunks(needed, (done, total) => {
        if (mine === rendering) status.textContent = "loading " + done + " of " + total + " chunks…";
      });
    } catch (error) {
      status.textContent = String(error.message || error);
      throw error;
    }
  }
  if (mine !== rendering) return;  // the reader moved on while chunks loaded
  status.textContent = "";
  let page;
  if (path[0] === "probes") page = probeList(query);
  else if (path[0] === "probe" && path.length >= 3) page = probePage(path[1], path[2], query);
  else if (path[0] === "diff") page = diffPage(query);
  else if (path[0] === "timeline") page = timelinePage(query);
  else page = leaderboard(query);
  app.replaceChildren(...page.flat().filter(Boolean));
  app.setAttribute("data-page", path[0] || "leaderboard");
  app.setAttribute("data-ready", "");
  window.memlabRendered = performance.now();  // benchmarks/viewer.py reads it
}

document.getElementById("title").textContent =
  "memlab · " + DATA.name + " · " + DATA.dataset + " · " + DATA.experiment_id;
document.getElementById("notes").replaceChildren(...DATA.notes.map((n) => el("p", {}, n)));
window.addEventListener("hashchange", render);
render();
