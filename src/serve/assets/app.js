// lurescan review page. Advert text only ever enters the page as text (textContent,
// text nodes), never as HTML. Evidence spans are UTF-8 byte offsets into a field as
// written; JavaScript strings are UTF-16, so the field is encoded to bytes and each
// piece decoded back, which is right for every script.
"use strict";

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
const FIELDS = ["text", "title", "location", "salary_range", "company_profile",
  "description", "requirements", "benefits"];
const MAX_ROWS = 1000; // rows drawn at once; filtering and sorting reach the others

const state = { advert: null, rows: [], rejections: [], sortKey: "record", sortDir: 1 };

// --- the token, for a server started with one -------------------------------------
function token() { return sessionStorage.getItem("lurescan-token") || ""; }
function takeTokenFromFragment() {
  // #token=... is never sent to the server or kept in its logs; kept for this tab only.
  const m = location.hash.match(/^#token=(.+)$/);
  if (m) {
    sessionStorage.setItem("lurescan-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname);
  }
}
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  const resp = await fetch(path, Object.assign({}, options, { headers }));
  if (resp.status === 401) $("token-box").hidden = false;
  return resp;
}
async function errorOf(resp) {
  try { return (await resp.json()).error || resp.statusText; } catch (_) { return resp.statusText; }
}
function say(el, text, isError) {
  el.textContent = text;
  el.classList.toggle("error", !!isError);
}
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

// --- one advert ---------------------------------------------------------------------
async function checkAdvert(advert) {
  say($("status"), "checking…");
  const resp = await api("/api/check", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(advert),
  });
  if (!resp.ok) { say($("status"), await errorOf(resp), true); return; }
  const why = await resp.json();
  say($("status"), "");
  state.advert = advert;
  showResult(why, advert);
}

// Appends `text` to `box` with the byte spans marked.
function highlight(box, text, spans) {
  const bytes = enc.encode(text);
  const ok = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) &&
    s.start >= 0 && s.start < s.end && s.end <= bytes.length).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const s of ok) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.families.add(s.family);
    } else {
      merged.push({ start: s.start, end: s.end, families: new Set([s.family]) });
    }
  }
  let pos = 0;
  for (const s of merged) {
    if (s.start > pos) box.append(document.createTextNode(dec.decode(bytes.subarray(pos, s.start))));
    const mark = el("mark", dec.decode(bytes.subarray(s.start, s.end)));
    mark.title = [...s.families].join(", ");
    mark.dataset.families = [...s.families].join(" ");
    box.append(mark);
    pos = s.end;
  }
  if (pos < bytes.length) box.append(document.createTextNode(dec.decode(bytes.subarray(pos))));
}

function showResult(why, advert) {
  $("result").hidden = false;
  const v = $("verdict");
  v.textContent = why.verdict;
  v.className = "verdict " + (why.verdict === "lure" ? "lure" : "ok");
  $("probability").textContent = why.probability.toFixed(3);
  $("threshold").textContent = `(threshold ${why.threshold.toFixed(3)}, assuming ${(why.prevalence * 100).toFixed(1)}% of adverts are lures)`;
  $("lang").textContent = "language: " + (why.lang || "unknown");

  const box = $("highlighted");
  box.replaceChildren();
  const present = FIELDS.filter((f) => typeof advert[f] === "string" && advert[f] !== "");
  for (const f of present) {
    if (present.length > 1 || f !== "text") box.append(el("span", f.replace("_", " "), "field-name"));
    const spans = why.lures.filter((l) => l.field === f && l.start !== null)
      .map((l) => ({ start: l.start, end: l.end, family: l.family }));
    highlight(box, advert[f], spans);
  }

  const list = $("evidence");
  list.replaceChildren();
  if (why.lures.length === 0) list.append(el("li", "no lure evidence found", "muted"));
  for (const l of why.lures) {
    const li = el("li");
    li.append(el("strong", l.family), document.createTextNode(" "));
    li.append(l.text === null ? el("em", "(whole advert)") : el("q", l.text));
    li.append(el("span", ` ${l.field ? l.field + " " + l.start + "…" + l.end + "; " : ""}${l.matched_by}`, "muted"));
    if (l.detail) li.append(el("div", l.detail, "muted"));
    list.append(li);
  }

  const body = $("families").tBodies[0];
  body.replaceChildren();
  for (const f of why.families) {
    const tr = el("tr");
    const total = f.prior + f.fitted + f.real;
    for (const c of [f.family, signed(total), signed(f.prior), signed(f.fitted), signed(f.real)]) tr.append(el("td", c));
    body.append(tr);
  }
  const terms = why.top_terms.map((t) => `${t.term} ${signed(t.weight)}`).join(", ");
  $("other-parts").textContent = `text ${signed(why.text_part)}` +
    (why.metadata_part ? `, metadata ${signed(why.metadata_part)}` : "") +
    (terms ? `; top terms: ${terms}` : "") + " (log-odds, before calibration)";
  say($("decide-status"), "");
  $("note").value = "";
  $("result").scrollIntoView({ block: "start" });
}
function signed(x) { return (x >= 0 ? "+" : "") + Number(x).toFixed(2); }

async function decide(label) {
  if (!state.advert) return;
  say($("decide-status"), "saving…");
  const resp = await api("/api/reviews", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advert: state.advert, label, note: $("note").value }),
  });
  if (!resp.ok) { say($("decide-status"), await errorOf(resp), true); return; }
  const r = await resp.json();
  say($("decide-status"), `recorded as ${r.label} (decision #${r.id})`);
  loadReviews();
}

// --- a feed -------------------------------------------------------------------------
async function upload(file) {
  state.rows = []; state.rejections = [];
  $("rejections").replaceChildren();
  say($("upload-status"), "scoring…");
  const name = file.name.toLowerCase().replace(/\.gz$/, "");
  const type = /\.(jsonl|ndjson|json)$/.test(name) ? "application/x-ndjson"
    : name.endsWith(".csv") ? "text/csv" : "application/octet-stream";
  const resp = await api("/api/score?explain=true&fields=true", { method: "POST", headers: { "Content-Type": type }, body: file });
  if (!resp.ok) { say($("upload-status"), await errorOf(resp), true); return; }
  const reader = resp.body.getReader();
  const text = new TextDecoder();
  let rest = "", summary = null, failure = null, lastDraw = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += text.decode(value, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop();
    for (const line of lines) {
      if (!line) continue;
      const obj = JSON.parse(line);
      if (obj.summary) { summary = obj.summary; failure = obj.error || null; }
      else if (obj.rejected) state.rejections.push(obj.rejected);
      else { obj.record = state.rows.length + state.rejections.length + 1; state.rows.push(obj); }
    }
    if (Date.now() - lastDraw > 700) { lastDraw = Date.now(); say($("upload-status"), `scored ${state.rows.length}…`); drawTable(); }
  }
  fillFilters();
  drawTable();
  const rej = $("rejections");
  for (const r of state.rejections.slice(0, 200)) rej.append(el("li", `rejected record ${r.record} (line ${r.line}${r.id ? ", id " + r.id : ""}): ${r.reason}`));
  if (failure) say($("upload-status"), "stopped: " + failure, true);
  else if (summary) say($("upload-status"), `read ${summary.read}, scored ${summary.scored}, rejected ${summary.rejected}`);
  else say($("upload-status"), "the answer ended early", true);
}

function fillFilters() {
  const fams = new Set(), langs = new Set();
  for (const r of state.rows) { r.lures.forEach((f) => fams.add(f)); if (r.lang) langs.add(r.lang); }
  for (const [sel, values] of [[$("f-family"), fams], [$("f-lang"), langs]]) {
    const keep = sel.value;
    sel.replaceChildren(el("option", "any"));
    sel.options[0].value = "";
    for (const v of [...values].sort()) { const o = el("option", v); o.value = v; sel.append(o); }
    sel.value = keep;
  }
}

function visibleRows() {
  const verdict = $("f-verdict").value, fam = $("f-family").value, lang = $("f-lang").value;
  const minP = Number($("f-prob").value) || 0;
  const rows = state.rows.filter((r) => (!verdict || r.verdict === verdict) &&
    (!fam || r.lures.includes(fam)) && (!lang || r.lang === lang) && r.probability >= minP);
  const k = state.sortKey, d = state.sortDir;
  const val = (r) => k === "lures" ? r.lures.join(",") : r[k] === null || r[k] === undefined ? "" : r[k];
  rows.sort((a, b) => { const x = val(a), y = val(b); return (x < y ? -1 : x > y ? 1 : a.record - b.record) * d; });
  return rows;
}

function drawTable() {
  $("results").hidden = state.rows.length === 0;
  $("table-tools").hidden = state.rows.length === 0;
  const rows = visibleRows();
  const body = $("results").tBodies[0];
  body.replaceChildren();
  for (const r of rows.slice(0, MAX_ROWS)) {
    const tr = el("tr");
    const snippet = r.title || r.text || r.description || "";
    for (const [c, cls] of [[r.record], [r.id], [r.verdict, "v-" + r.verdict], [r.probability.toFixed(3)], [r.lures.join(", ")], [r.lang || ""], [snippet.slice(0, 120), "snippet"]]) tr.append(el("td", c, cls));
    tr.addEventListener("click", () => {
      for (const o of body.querySelectorAll("tr.open")) o.classList.remove("open");
      tr.classList.add("open");
      const advert = {};
      if (r.id) advert.id = r.id;
      // Every field the row came with, empty ones too: an empty column is evidence.
      for (const f of FIELDS) if (typeof r[f] === "string") advert[f] = r[f];
      checkAdvert(advert);
    });
    body.append(tr);
  }
  $("shown").textContent = rows.length > MAX_ROWS ? `showing ${MAX_ROWS} of ${rows.length} (sort or filter to see others)` : `${rows.length} of ${state.rows.length} shown`;
  for (const th of $("results").querySelectorAll("th.sortable")) {
    th.classList.toggle("asc", th.dataset.key === state.sortKey && state.sortDir === 1);
    th.classList.toggle("desc", th.dataset.key === state.sortKey && state.sortDir === -1);
  }
}

// --- decisions ----------------------------------------------------------------------
async function loadReviews() {
  const resp = await api("/api/reviews");
  if (!resp.ok) { say($("reviews-status"), await errorOf(resp), true); return; }
  const all = await resp.json();
  const body = $("reviews").tBodies[0];
  body.replaceChildren();
  for (const r of all.slice().reverse()) {
    const tr = el("tr");
    const text = FIELDS.map((f) => r.fields[f]).find((t) => t) || "";
    for (const c of [r.id, r.reviewed_at.replace("T", " ").slice(0, 19), r.label, `${r.verdict} ${r.probability.toFixed(3)}`, text.slice(0, 100), r.note]) tr.append(el("td", c));
    body.append(tr);
  }
  say($("reviews-status"), `${all.length} decisions`);
}

async function download() {
  const resp = await api("/api/reviews/export.csv");
  if (!resp.ok) { say($("reviews-status"), await errorOf(resp), true); return; }
  const unsure = resp.headers.get("X-Lurescan-Unsure") || "0";
  const url = URL.createObjectURL(await resp.blob());
  const a = el("a");
  a.href = url;
  a.download = "lurescan-labels.csv";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say($("reviews-status"), `downloaded (${unsure} unsure decisions left out)`);
}

// --- wiring -------------------------------------------------------------------------
function init() {
  takeTokenFromFragment();
  $("token").value = token();
  $("token-save").addEventListener("click", () => {
    sessionStorage.setItem("lurescan-token", $("token").value.trim());
    $("token-box").hidden = true;
    loadReviews();
  });
  $("check").addEventListener("click", () => {
    const text = $("advert").value;
    if (!text.trim()) { say($("status"), "paste an advert first", true); return; }
    $("results").querySelectorAll("tr.open").forEach((o) => o.classList.remove("open"));
    checkAdvert({ text });
  });
  for (const b of document.querySelectorAll("button.label")) b.addEventListener("click", () => decide(b.dataset.label));
  $("file").addEventListener("change", () => { const f = $("file").files[0]; if (f) upload(f).catch((e) => say($("upload-status"), String(e), true)); });
  for (const id of ["f-verdict", "f-family", "f-lang", "f-prob"]) $(id).addEventListener("input", drawTable);
  for (const th of $("results").querySelectorAll("th.sortable")) th.addEventListener("click", () => {
    if (state.sortKey === th.dataset.key) state.sortDir = -state.sortDir;
    else { state.sortKey = th.dataset.key; state.sortDir = th.dataset.key === "probability" ? -1 : 1; }
    drawTable();
  });
  $("refresh-reviews").addEventListener("click", loadReviews);
  $("download").addEventListener("click", download);
  loadReviews();
}
document.addEventListener("DOMContentLoaded", init);
