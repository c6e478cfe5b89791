// seqgate web console: plain JavaScript, no library, no build step. Every
// piece of data comes from the admin API of the listener that served this
// page, with the token the operator typed (kept in sessionStorage, so it
// goes with the tab) as "Authorization: Bearer", and the JSON or XML
// Content-Type the admin API's cross-site guard asks for on writes.
"use strict";

const TOKEN_KEY = "seqgate-admin-token";
const PAGE_SIZE = 50;
const $ = (id) => document.getElementById(id);

// h builds an element: h("td", {class: "x"}, "text", child...). Text is
// always set as text, never as HTML, so data cannot inject markup.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const k of kids.flat()) {
    if (k === undefined || k === null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

function setStatus(msg, info) {
  const s = $("status");
  s.textContent = msg || "";
  s.className = info ? "info" : "";
}

class AuthError extends Error {}

// api calls the admin API. It throws AuthError on 401, so that a page
// shows nothing but the request for a token.
async function api(method, path, body, ctype) {
  const headers = {};
  const tok = sessionStorage.getItem(TOKEN_KEY);
  if (tok) headers["Authorization"] = "Bearer " + tok;
  if (body !== undefined) headers["Content-Type"] = ctype || "application/json";
  const r = await fetch(path, { method, headers, body, credentials: "omit", cache: "no-store" });
  if (r.status === 401) throw new AuthError("This admin listener needs its token (listen.admin_token): enter it above.");
  const text = await r.text();
  let data = text;
  if ((r.headers.get("Content-Type") || "").includes("json")) {
    try { data = JSON.parse(text); } catch (e) { /* keep the text */ }
  }
  return { status: r.status, ok: r.ok, data };
}

async function getJSON(path) {
  const r = await api("GET", path);
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (r.data && r.data.error ? r.data.error : r.data));
  return r.data;
}

function badge(state, label) {
  return h("span", { class: "badge s-" + String(state).replace(/[^a-z]/g, "") }, label || state);
}

function kv(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) dl.append(h("dt", {}, k), h("dd", {}, v === "" || v === undefined ? "—" : v));
}

// table renders rows page by page: only PAGE_SIZE rows are in the DOM
// whatever the list's length (1,000 tenants, 10,000 sequences). cols are
// [header, row => cell content]; group (optional) names each row's group,
// and a group row starts each run of one group on the page.
function table(container, caption, rows, cols, opts) {
  opts = opts || {};
  let page = 0;
  const draw = () => {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    const t = h("table", {}, h("caption", { class: "muted" }, caption + " (" + rows.length + ")"),
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c[0])))));
    const tb = h("tbody");
    let last = null;
    for (const r of rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
      if (opts.group) {
        const g = opts.group(r);
        if (g !== last) tb.append(h("tr", { class: "group" }, h("td", { colspan: cols.length }, g)));
        last = g;
      }
      tb.append(h("tr", {}, cols.map((c) => h("td", {}, c[1](r)))));
    }
    t.append(tb);
    const nav = h("div", { class: "pager" },
      h("button", { type: "button", disabled: page === 0, "aria-label": caption + ": previous page", onclick: () => { page--; draw(); } }, "‹ Previous"),
      h("span", {}, "page " + (page + 1) + " of " + pages),
      h("button", { type: "button", disabled: page >= pages - 1, "aria-label": caption + ": next page", onclick: () => { page++; draw(); } }, "Next ›"));
    container.replaceChildren(t, rows.length > PAGE_SIZE ? nav : "");
  };
  draw();
}

// ---- routing: #page?key=value ----
const pages = { overview: showOverview, sequences: showSequences, editor: showEditor, explain: showExplain, live: showLive, bundles: showBundles };

function route() {
  const [name, query] = (location.hash.slice(1) || "overview").split("?");
  const page = pages[name] ? name : "overview";
  const params = new URLSearchParams(query || "");
  for (const p of Object.keys(pages)) $("page-" + p).hidden = p !== page;
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  if (page !== "live") stopLive();
  setStatus("");
  delete document.body.dataset.rendered;
  Promise.resolve(pages[page](params)).then(() => {
    // when the page's data is drawn, in ms since the document started
    // loading: the browser tests wait for it and report it.
    document.body.dataset.rendered = page + " " + performance.now().toFixed(0);
  }).catch((e) => {
    if (e instanceof AuthError) clearData();
    setStatus(e.message);
  });
}

// clearData empties every place data is drawn: after a 401 the page shows
// nothing it read with an earlier token.
function clearData() {
  for (const id of ["ov-config", "ov-listeners", "ov-chain", "ov-certs", "ov-tenants", "ov-apis", "seq-table", "seq-warnings",
    "ex-out", "ex-dryout", "live-table", "live-faults", "bu-table", "lib-table", "tenant-list", "ed-msg", "ed-file"]) $(id).replaceChildren();
  $("ov-chain-for").textContent = ""; $("ov-chain-pos").textContent = "";
  $("ed-text").value = ""; tenantsLoaded = false; renderEditor();
}

// ---- overview ----
async function showOverview() {
  const [cfg, ls, tls, tenants, apis] = await Promise.all([getJSON("/admin/config"), getJSON("/admin/listeners"),
    getJSON("/admin/tls"), getJSON("/admin/tenants"), getJSON("/admin/apis")]);
  kv($("ov-config"), [["file", cfg.file], ["generation", cfg.generation], ["loaded at", fmtTime(cfg.loaded_at)],
    ["last attempt", fmtTime(cfg.last_attempt)], ["last error", cfg.last_error || ""], ["APIs", cfg.apis],
    ["draining", String(cfg.draining)], ["sequence warnings", (cfg.sequence_warnings || []).length]]);
  kv($("ov-listeners"), [["http", ls.http], ["https", ls.https || "off"], ["admin", ls.admin], ["admin token", ls.admin_token ? "required" : "none (loopback only)"]]);
  const certs = tls.certificates || [];
  if (!tls.enabled) $("ov-certs").replaceChildren(h("p", { class: "muted" }, "HTTPS is off (no tls section)."));
  else table($("ov-certs"), "Certificates", certs, [["cert", (c) => c.cert], ["role", (c) => c.role], ["hosts", (c) => (c.hosts || []).join(", ")],
    ["state", (c) => [badge(c.state), c.serving_last_good ? badge("lastgood", "serving last good") : "", c.error ? h("div", { class: "err" }, c.error) : ""]],
    ["expires", (c) => c.not_after ? [fmtTime(c.not_after), " (" + daysLeft(c.not_after) + ")"] : "—"]]);
  table($("ov-tenants"), "Tenants", tenants.tenants, [["id", (t) => t.id],
    ["domain", (t) => h("a", { href: "#sequences?tenant=" + encodeURIComponent(t.domain) }, t.domain)],
    ["sequences folder", (t) => h("code", {}, t.sequences_dir)],
    ["files", (t) => [badge("active", (t.counts.active || 0) + " active"), " ", t.counts.refused ? badge("refused", t.counts.refused + " refused") : ""]],
    ["loaded", (t) => t.loaded ? "yes" : [badge("refused", "no"), t.error ? h("div", { class: "err" }, t.error) : ""]]]);
  const list = apis.apis || [];
  table($("ov-apis"), "APIs", list, [["API", (a) => h("code", {}, a.name)], ["tenant", (a) => a.tenant], ["context", (a) => h("code", {}, a.context)],
    ["version", (a) => a.version], ["auth", (a) => uniq(a.resources.flatMap((r) => r.auth.length ? r.auth : ["none"])).join(", ")],
    ["tiers", (a) => [a.tier && "subscription " + a.tier, a.api_tier && "api " + a.api_tier].filter(Boolean).join(", ") || "—"],
    ["backend", (a) => (a.backend || []).join(", ")],
    ["resources", (a) => a.resources.map((r) => (r.methods.length ? r.methods.join(",") : "*") + " " + r.uri_template).join("; ")],
    ["chain", (a) => h("button", { type: "button", onclick: () => showChain(a) }, "Show chain")]]);
  if (list.length) await showChain(list[0]);
  else $("ov-chain-for").textContent = "No API configured.";
}

// showChain asks the explain endpoint for an API's first resource: the
// chain is the one live requests of that API run.
async function showChain(a) {
  const r = a.resources[0] || { uri_template: "/", methods: [] };
  const path = a.prefix.replace(/\/$/, "") + samplePath(r.uri_template);
  const q = new URLSearchParams({ tenant: a.tenant, method: r.methods[0] || "GET", path });
  const rep = await getJSON("/admin/explain?" + q);
  $("ov-chain-for").textContent = "for " + a.name + " (" + (r.methods[0] || "GET") + " " + path + ")";
  const c = rep.chain || { handlers: [] };
  $("ov-chain").replaceChildren(...c.handlers.map((x) => h("li", { class: x === "extension" ? "ext" : "" }, x === "extension" ? "extension (your sequences)" : x)));
  $("ov-chain-pos").textContent = c.extension_handler_position ? "extension_handler_position: " + c.extension_handler_position + " (" + c.from + ")" : (rep.reason || "");
}

function samplePath(t) {
  return t.replace(/\{[^}]*\}/g, "x").replace(/\/\*$/, "/x").replace(/\?.*$/, "") || "/";
}

// ---- sequences ----
// The tenant field suggests at most 20 domains matching what is typed:
// a datalist of every tenant would put 1,000 nodes in the page.
let tenantsLoaded = false, tenantDomains = [];
async function loadTenantList() {
  if (tenantsLoaded) return;
  const ts = await getJSON("/admin/tenants");
  tenantDomains = ts.tenants.map((t) => t.domain);
  tenantsLoaded = true;
  suggestTenants();
}
function suggestTenants() {
  const q = $("seq-tenant").value.trim().toLowerCase();
  const hits = [];
  for (const d of tenantDomains) {
    if (d.toLowerCase().includes(q) && d !== $("seq-tenant").value) hits.push(d);
    if (hits.length === 20) break;
  }
  $("tenant-list").replaceChildren(...hits.map((d) => h("option", { value: d })));
}

// apiOf is the API a per-API sequence belongs to (provider--name:vX--In),
// or "" for a global sequence.
function apiOf(name) {
  const m = /^(.+:v[^-]*(?:-[^-]+)*)--(In|Out|Fault)$/.exec(name);
  return m ? m[1] : "";
}

async function showSequences(params) {
  const tenant = params.get("tenant") || $("seq-tenant").value || "carbon.super";
  $("seq-tenant").value = tenant;
  loadTenantList().catch(() => {});
  const [st, cfg] = await Promise.all([getJSON("/admin/tenants/" + encodeURIComponent(tenant) + "/sequences"), getJSON("/admin/config")]);
  const warns = cfg.sequence_warnings || [];
  $("seq-warnings").replaceChildren(warns.length ? h("div", {}, h("h3", {}, "Near-miss warnings"), h("ul", {}, warns.map((w) => h("li", { class: "badge s-warn" }, w)))) : "");
  const rows = (st.files || []).map((f) => {
    const names = f.sequences && f.sequences.length ? f.sequences : [f.file.replace(/\.xml$/, "")];
    const api = apiOf(names[0]);
    return { f, names, group: api ? "API " + api : "Global sequences" };
  });
  rows.sort((a, b) => (a.group === b.group ? 0 : a.group === "Global sequences" ? -1 : b.group === "Global sequences" ? 1 : a.group < b.group ? -1 : 1) || (a.names[0] < b.names[0] ? -1 : 1));
  const render = () => {
    const q = $("seq-filter").value.trim().toLowerCase();
    const shown = q ? rows.filter((r) => (r.names.join(" ") + " " + r.f.file + " " + r.f.state).toLowerCase().includes(q)) : rows;
    table($("seq-table"), "Sequence files of " + st.tenant, shown, [
      ["sequence", (r) => r.names.map((n) => h("div", {}, h("a", { href: "#editor?tenant=" + encodeURIComponent(st.tenant) + "&name=" + encodeURIComponent(n) }, n)))],
      ["file", (r) => h("code", {}, r.f.file)],
      ["state", (r) => [badge(r.f.state), r.f.serving_last_good ? [" ", badge("lastgood", "serving last good")] : ""]],
      ["error / warnings", (r) => [r.f.error ? h("div", { class: "err mono" }, r.f.error) : "", (r.f.warnings || []).map((w) => h("div", { class: "mono" }, w))]]],
      { group: (r) => r.group });
  };
  $("seq-filter").oninput = render;
  render();
}

// ---- editor ----
let edLoaded = null; // {tenant, name, xml, file}: the version on the server

function escapeXML(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }

// highlight colours XML: tags, attribute names and values, comments,
// processing instructions. A small scanner, not a parser: a draft may be
// broken, and the server's compiler is the judge.
function highlight(src) {
  let out = "", i = 0;
  const span = (cls, s) => '<span class="' + cls + '">' + escapeXML(s) + "</span>";
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    if (lt < 0) { out += escapeXML(src.slice(i)); break; }
    out += escapeXML(src.slice(i, lt));
    let end;
    if (src.startsWith("<!--", lt)) { end = src.indexOf("-->", lt); end = end < 0 ? src.length : end + 3; out += span("x-com", src.slice(lt, end)); i = end; continue; }
    if (src.startsWith("<?", lt) || src.startsWith("<!", lt)) { end = src.indexOf(">", lt); end = end < 0 ? src.length : end + 1; out += span("x-pi", src.slice(lt, end)); i = end; continue; }
    const m = /^<\/?[^\s>\/]*/.exec(src.slice(lt));
    out += span("x-tag", m[0]);
    i = lt + m[0].length;
    const re = /\s+|([^\s=>\/"']+)|("[^"]*"?|'[^']*'?)|=|\/?>|./y;
    re.lastIndex = i;
    let t;
    while (i < src.length && (t = re.exec(src))) {
      const s = t[0];
      i = re.lastIndex;
      if (s === ">" || s === "/>") { out += span("x-tag", s); break; }
      if (t[1]) out += span("x-attr", s); else if (t[2]) out += span("x-val", s); else out += escapeXML(s);
    }
  }
  return out;
}

let badLine = 0;
function renderEditor() {
  const text = $("ed-text").value;
  const lines = highlight(text + "\n").split("\n");
  lines.pop();
  $("ed-hl").innerHTML = lines.map((l, n) => n + 1 === badLine ? '<span class="bad">' + l + "</span>" : l).join("\n") + "\n";
  const g = [];
  for (let n = 1; n <= lines.length; n++) g.push(n === badLine ? '<span class="bad">' + n + "</span>" : String(n));
  $("ed-gutter").innerHTML = g.join("\n") + "\n";
  syncScroll();
}
function syncScroll() {
  const ta = $("ed-text");
  $("ed-hl").scrollTop = ta.scrollTop; $("ed-hl").scrollLeft = ta.scrollLeft; $("ed-gutter").scrollTop = ta.scrollTop;
}

function edURL(suffix) {
  return "/admin/tenants/" + encodeURIComponent($("ed-tenant").value.trim()) + "/sequences/" + encodeURIComponent($("ed-name").value.trim()) + (suffix || "");
}

function edMessage(kind, text, extra) {
  const m = $("ed-msg");
  m.replaceChildren(h("div", { class: "badge s-" + kind }, text), extra || "");
}

async function edOpen() {
  badLine = 0;
  $("ed-diffout").hidden = true;
  const r = await api("GET", edURL("/source"));
  if (r.status === 404) {
    edLoaded = { tenant: $("ed-tenant").value.trim(), name: $("ed-name").value.trim(), xml: "", file: "" };
    $("ed-text").value = '<?xml version="1.0" encoding="UTF-8"?>\n<sequence xmlns="http://ws.apache.org/ns/synapse" name="' + escapeXML(edLoaded.name).replace(/"/g, "&quot;") + '">\n  <log level="custom"/>\n</sequence>\n';
    $("ed-file").textContent = "New sequence: no file defines it yet (Save creates " + edLoaded.name + ".xml).";
    edMessage("warn", r.data.error || "not found");
  } else if (!r.ok) {
    throw new Error(r.data.error || "open: " + r.status);
  } else {
    edLoaded = { tenant: r.data.tenant, name: r.data.name, xml: r.data.xml, file: r.data.file };
    $("ed-text").value = r.data.xml;
    $("ed-file").replaceChildren(h("code", {}, r.data.file), " ", badge(r.data.state || "unknown"), r.data.serving_last_good ? [" ", badge("lastgood", "serving last good")] : "");
    if (r.data.error) { badLine = errLine(r.data.error); edMessage("refused", r.data.error); } else $("ed-msg").replaceChildren();
  }
  renderEditor();
}

function errLine(msg) {
  const m = /\.xml:(\d+):/.exec(msg || "");
  return m ? Number(m[1]) : 0;
}

// edValidate compiles the draft on the server; true when it compiles.
async function edValidate() {
  const r = await api("POST", edURL("/validate"), $("ed-text").value, "application/xml");
  if (r.status === 200) {
    badLine = 0; renderEditor();
    edMessage("ok", "Compiles." + (r.data.warnings && r.data.warnings.length ? " Warnings: " + r.data.warnings.join("; ") : ""));
    return true;
  }
  const msg = r.data && r.data.error ? r.data.error : String(r.data);
  badLine = (r.data && r.data.line) || errLine(msg);
  renderEditor();
  edMessage("refused", (badLine ? "Line " + badLine + ": " : "") + msg);
  if (badLine) scrollToLine(badLine);
  return false;
}

function scrollToLine(n) {
  const ta = $("ed-text");
  ta.scrollTop = Math.max(0, (n - 5) * 18);
  syncScroll();
}

async function edSave() {
  if (!(await edValidate())) return;
  const r = await api("PUT", edURL(), $("ed-text").value, "application/xml");
  if (!r.ok) { edMessage("refused", "Not saved: " + (r.data.error || r.status)); return; }
  edMessage(r.data.serving ? "ok" : "warn", "Saved (" + r.data.result + "): state " + r.data.state + (r.data.serving ? ", serving now." : ", not serving."));
  const keep = $("ed-msg").innerHTML;
  await edOpen();
  $("ed-msg").innerHTML = keep;
}

// diffLines is a line diff by longest common subsequence.
function diffLines(a, b) {
  const x = a.split("\n"), y = b.split("\n");
  if (x.length * y.length > 4e6) return null;
  const n = x.length, m = y.length, L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; }
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) { out.push(["+", y[j]]); j++; }
    else { out.push(["-", x[i]]); i++; }
  }
  return out;
}

async function edDiff() {
  const r = await api("GET", edURL("/source"));
  const running = r.ok ? r.data.xml : "";
  const d = diffLines(running, $("ed-text").value);
  const box = $("ed-diffout");
  box.hidden = false;
  if (!d) { box.textContent = "Too large to diff in the browser."; return; }
  const changed = d.filter((l) => l[0] !== " ").length;
  // The file on disk is what runs unless it was refused: then an older
  // version serves, which the gateway keeps compiled, not as text.
  const stale = r.ok && r.data.state === "refused" ? " (the file on disk is refused" + (r.data.serving_last_good ? "; an older version serves, not shown here)" : ")") : "";
  box.replaceChildren(h("div", { class: "muted" }, (changed ? changed + " changed line(s) against " + (r.ok ? r.data.file : "nothing (new sequence)") : "No change against the running version.") + stale),
    ...d.map(([k, l]) => h("span", { class: k === "+" ? "add" : k === "-" ? "del" : "" }, k + " " + l + (k === " " ? "\n" : ""))));
}

async function edDelete() {
  $("ed-confirm").hidden = true;
  const r = await api("DELETE", edURL());
  if (!r.ok) { edMessage("refused", "Not deleted: " + (r.data.error || r.status)); return; }
  edMessage("ok", "Deleted " + r.data.file + (r.data.serving ? " (a sequence of that name still serves from another file)" : "."));
  $("ed-file").textContent = "";
}

function showEditor(params) {
  if (params.get("tenant")) $("ed-tenant").value = params.get("tenant");
  if (params.get("name")) { $("ed-name").value = params.get("name"); return edOpen(); }
  renderEditor();
}

// ---- explain and dry-run ----
function parseHeaders(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

async function exExplain() {
  const q = new URLSearchParams({ tenant: $("ex-tenant").value.trim(), method: $("ex-method").value, path: $("ex-path").value.trim() });
  const r = await api("GET", "/admin/explain?" + q);
  const out = $("ex-out");
  if (!r.ok) { out.replaceChildren(h("p", { class: "err" }, r.data.error || r.status)); return; }
  const rep = r.data;
  const parts = [h("h3", {}, "Explain")];
  if (rep.status) parts.push(h("p", { class: "err" }, rep.reason));
  const dl = h("dl");
  kv(dl, [["API", rep.api ? rep.api.name + " (" + rep.api.from + ")" : "none"], ["resource", rep.resource ? rep.resource.uri_template + " (" + rep.resource.from + ")" : "none"],
    ["auth", (rep.auth || []).join(", ") || "none needed"], ["throttle", (rep.throttle || []).filter((l) => l.tier).map((l) => l.level + ": " + l.tier).join(", ") || "none"]]);
  parts.push(dl);
  if (rep.chain) {
    parts.push(h("h3", {}, "Handler chain"), h("ol", { class: "chain", id: "ex-chain" }, rep.chain.handlers.map((x) => h("li", { class: x === "extension" ? "ext" : "" }, x))),
      h("p", { class: "muted" }, "extension_handler_position: " + rep.chain.extension_handler_position + " (" + rep.chain.from + ")"));
  }
  for (const f of rep.flows || []) {
    parts.push(h("h3", {}, "Flow " + f.direction), f.note ? h("p", { class: "muted" }, f.note) : "",
      h("ul", { class: "flow" }, f.sequences.map((s) => h("li", {}, h("code", {}, s.sequence), " ", badge(s.runs ? "ok" : "warn", s.runs ? "runs" : "does not run"),
        s.file ? [" ", h("code", {}, s.file)] : "", s.library ? " (library " + s.library + ")" : "", s.why ? h("div", { class: "muted" }, s.why) : ""))));
  }
  out.replaceChildren(...parts);
}

function fmtDur(ns) {
  if (ns >= 1e6) return (ns / 1e6).toFixed(2) + " ms";
  return (ns / 1e3).toFixed(1) + " µs";
}

async function exDry() {
  const req = { tenant: $("ex-tenant").value.trim(), method: $("ex-method").value, path: $("ex-path").value.trim(),
    headers: parseHeaders($("ex-headers").value), body: $("ex-body").value, backend: { status: Number($("ex-backend").value) || 200 } };
  const r = await api("POST", "/admin/dry-run", JSON.stringify(req), "application/json");
  const out = $("ex-dryout");
  if (!r.ok) { out.replaceChildren(h("p", { class: "err" }, r.data.error || r.status)); return; }
  const res = r.data, steps = (res.trace && res.trace.steps) || [];
  const max = Math.max(1, ...steps.map((s) => s.duration_ns));
  out.replaceChildren(h("h3", {}, "Dry-run"),
    h("p", {}, "Response ", h("strong", { id: "ex-status" }, res.response.status), ", ", res.backend_requests.length + " backend call(s), " + steps.length + " mediator step(s)" + (res.trace && res.trace.truncated ? " (+" + res.trace.truncated + " not recorded)" : "")),
    h("ol", { class: "timeline", id: "ex-timeline", "aria-label": "Mediation timeline" }, steps.map((s) => h("li", {},
      h("div", { style: null }, h("span", { class: "indent" }, "· ".repeat(s.depth)), h("strong", {}, s.mediator), " ", badge(s.outcome === "continue" || s.outcome === "ok" ? "ok" : "warn", s.outcome),
        h("div", { class: "muted mono" }, s.direction + " " + (s.sequence || "") + (s.file ? " " + s.file.split("/").pop() + ":" + s.line : ""))),
      h("div", {}, barOf(s.duration_ns / max), h("span", { class: "muted" }, fmtDur(s.duration_ns))),
      (s.changes && s.changes.length) || (s.payload && s.payload.changed) ? h("ul", { class: "changes" },
        (s.changes || []).map((c) => h("li", { class: "mono" }, c.scope + " " + c.name + " " + c.op + (c.before ? " " + c.before : "") + (c.after ? " → " + c.after : ""))),
        s.payload && s.payload.changed ? h("li", {}, "payload changed (" + (s.payload.content_type || "") + ", " + s.payload.length + " bytes)") : "") : ""))),
    h("h3", {}, "Backend requests"), h("ul", {}, res.backend_requests.map((b) => h("li", { class: "mono" }, b.method + " " + b.url))),
    h("h3", {}, "Response headers"), h("ul", {}, Object.entries(res.response.headers).map(([k, v]) => h("li", { class: "mono" }, k + ": " + v))));
}

function barOf(frac) {
  const b = h("div", { class: "bar" });
  b.style.width = Math.max(0.5, frac * 100).toFixed(1) + "%";
  return b;
}

function showExplain() {}

// ---- live view: /metrics every few seconds ----
const LIVE_EVERY = 3000, HISTORY = 60;
let liveTimer = null, livePrev = null, liveHist = [], liveSeen = 0;

function stopLive() { if (liveTimer) clearInterval(liveTimer); liveTimer = null; }

// parseMetrics reads the seqgate request metrics from the Prometheus text
// format: per tenant|api, request counts by status class and the buckets
// of the request duration histogram (cumulative, by le).
function parseMetrics(text) {
  const per = {};
  const get = (k) => per[k] || (per[k] = { classes: {}, buckets: {} });
  for (const line of text.split("\n")) {
    if (!line.startsWith("seqgate_request")) continue;
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const key = labels.tenant + "|" + labels.api, v = Number(m[3]);
    if (m[1] === "seqgate_requests_total") get(key).classes[labels.status] = v;
    else if (m[1] === "seqgate_request_duration_seconds_bucket") get(key).buckets[labels.le] = v;
  }
  return per;
}

function sum(o) { return Object.values(o).reduce((a, b) => a + b, 0); }

// quantile of a cumulative histogram delta, interpolating in the bucket.
function quantile(q, buckets) {
  const les = Object.keys(buckets).filter((k) => k !== "+Inf").map(Number).sort((a, b) => a - b);
  const total = buckets["+Inf"] || 0;
  if (!total) return 0;
  const rank = q * total;
  let prevLe = 0, prevC = 0;
  for (const le of les) {
    const c = buckets[String(le)] || 0;
    if (c >= rank) return prevLe + (le - prevLe) * ((rank - prevC) / Math.max(1e-9, c - prevC));
    prevLe = le; prevC = c;
  }
  return prevLe;
}

function delta(now, prev) {
  const out = {};
  for (const k of Object.keys(now)) out[k] = now[k] - ((prev && prev[k]) || 0);
  return out;
}

async function liveTick() {
  const f = await getJSON("/admin/faults");
  table($("live-faults"), "Last failed requests, newest first", f.faults || [], [["time", (x) => fmtTime(x.time)], ["tenant", (x) => x.tenant],
    ["API", (x) => h("code", {}, x.api || "—")], ["request", (x) => h("code", {}, x.method + " " + x.path)], ["status", (x) => badge(x.status >= 500 ? "bad" : "warn", x.status)],
    ["ERROR_CODE", (x) => x.error_code || "—"], ["message", (x) => x.error_message || ""], ["handled by", (x) => x.sequence ? h("code", {}, x.sequence) : "gateway JSON error"]]);
  const r = await api("GET", "/metrics");
  if (!r.ok) throw new Error("/metrics: " + r.status);
  const now = parseMetrics(r.data), t = Date.now();
  if (livePrev) {
    const secs = Math.max(0.001, (t - livePrev.t) / 1000);
    const rows = [], allBuckets = {};
    for (const [key, m] of Object.entries(now)) {
      const p = livePrev.per[key] || { classes: {}, buckets: {} };
      const dc = delta(m.classes, p.classes), db = delta(m.buckets, p.buckets);
      for (const [le, c] of Object.entries(db)) allBuckets[le] = (allBuckets[le] || 0) + c;
      const [tenant, apiName] = key.split("|");
      rows.push({ tenant, api: apiName, rps: sum(dc) / secs, classes: dc, total: sum(m.classes),
        p50: quantile(0.5, db), p90: quantile(0.9, db), p99: quantile(0.99, db) });
    }
    rows.sort((a, b) => b.rps - a.rps || b.total - a.total);
    liveSeen = rows.reduce((a, r) => a + r.total, 0);
    liveHist.push({ rps: Object.fromEntries(rows.map((r) => [r.api, r.rps])),
      lat: [quantile(0.5, allBuckets), quantile(0.9, allBuckets), quantile(0.99, allBuckets)].map((s) => s * 1000) });
    if (liveHist.length > HISTORY) liveHist.shift();
    drawLive(rows);
  }
  livePrev = { t, per: now };
}

function drawLive(rows) {
  $("live-seen").textContent = liveSeen + " requests counted since start.";
  const top = rows.filter((r) => r.total > 0).slice(0, 5).map((r) => r.api);
  chart($("live-rps"), top.map((a) => liveHist.map((p) => p.rps[a] || 0)));
  $("live-rps-legend").replaceChildren(...top.map((a, i) => h("span", { class: "k" + i }, a)));
  chart($("live-lat"), [0, 1, 2].map((i) => liveHist.map((p) => p.lat[i])));
  const ms = (s) => (s * 1000).toFixed(1);
  table($("live-table"), "Per API, last interval", rows, [["API", (r) => h("code", {}, r.api)], ["tenant", (r) => r.tenant],
    ["req/s", (r) => h("span", { class: "rps" }, r.rps.toFixed(1))], ["p50 ms", (r) => ms(r.p50)], ["p90 ms", (r) => ms(r.p90)], ["p99 ms", (r) => ms(r.p99)],
    ["status classes", (r) => classBar(r.classes)], ["total", (r) => r.total]]);
}

function classBar(c) {
  const total = sum(c), bar = h("div", { class: "classes", title: Object.entries(c).map(([k, v]) => k + ": " + v).join(", ") });
  for (const k of ["2xx", "3xx", "4xx", "5xx", "other"]) {
    if (!c[k]) continue;
    const s = h("span", { class: "c" + k });
    s.style.width = (100 * c[k] / total) + "%";
    bar.append(s);
  }
  return [bar, h("span", { class: "muted" }, Object.entries(c).filter(([, v]) => v).map(([k, v]) => k + " " + v).join(" "))];
}

const COLORS = ["#0b5cad", "#b35900", "#8b1219", "#0f5323", "#6f42c1"];
function chart(canvas, series) {
  const g = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pad = 30;
  g.clearRect(0, 0, W, H);
  const max = Math.max(1e-9, ...series.flat());
  g.strokeStyle = "#c9d1d9"; g.fillStyle = "#4a5361"; g.font = "11px sans-serif";
  for (let i = 0; i <= 4; i++) {
    const y = H - pad / 2 - (H - pad) * i / 4;
    g.beginPath(); g.moveTo(pad, y); g.lineTo(W, y); g.stroke();
    g.fillText((max * i / 4).toPrecision(2), 0, y + 3);
  }
  series.forEach((s, k) => {
    g.strokeStyle = COLORS[k % COLORS.length]; g.lineWidth = 2; g.beginPath();
    const pts = s.map((v, i) => [pad + (W - pad) * i / (HISTORY - 1), H - pad / 2 - (H - pad) * v / max]);
    pts.forEach(([x, y], i) => { if (i) g.lineTo(x, y); else g.moveTo(x, y); });
    g.stroke();
    g.fillStyle = COLORS[k % COLORS.length];
    for (const [x, y] of pts) { g.beginPath(); g.arc(x, y, 2.5, 0, 2 * Math.PI); g.fill(); }
  });
  canvas.dataset.samples = String(Math.max(0, ...series.map((s) => s.length)));
}

async function showLive() {
  $("live-every").textContent = LIVE_EVERY / 1000;
  stopLive();
  livePrev = null; liveHist = [];
  await liveTick();
  liveTimer = setInterval(() => liveTick().catch((e) => { stopLive(); setStatus(e.message); }), LIVE_EVERY);
}

// ---- bundles and the library ----
async function showBundles() {
  const [b, st] = await Promise.all([getJSON("/admin/bundles"), getJSON("/admin/sequences")]);
  table($("bu-table"), "Bundles on node " + (b.node || "") + (b.group ? " (group " + b.group + ")" : ""), b.bundles || [], [
    ["bundle", (x) => x.manifest.name + " " + x.manifest.version], ["source", (x) => x.source], ["installed", (x) => fmtTime(x.installed_at)],
    ["entries", (x) => (x.entries || []).map((e) => h("div", {}, badge(e.state), " ", e.tenant + " " + e.kind + " " + e.name + " (" + e.deploy + ")"))]]);
  const rows = [];
  for (const t of st.tenants || []) {
    for (const s of (t.library && t.library.sequences) || []) {
      const file = (t.library.files || []).find((f) => f.file === s.flow + "/" + s.file.split("/").pop());
      rows.push({ tenant: t.domain, s, state: file ? file.state : "active", error: file ? file.error : "" });
    }
  }
  table($("lib-table"), "Library sequences", rows, [["tenant", (r) => r.tenant], ["flow", (r) => r.s.flow], ["name", (r) => h("code", {}, r.s.name)],
    ["state", (r) => [badge(r.state), r.error ? h("div", { class: "err mono" }, r.error) : ""]], ["used by", (r) => (r.s.used_by || []).join(", ") || "—"]]);
}

// ---- helpers ----
function fmtTime(s) {
  if (!s || s.startsWith("0001-")) return "";
  return new Date(s).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
function daysLeft(s) {
  const d = Math.floor((new Date(s) - Date.now()) / 864e5);
  return d < 0 ? "expired" : d + " days left";
}
function uniq(a) { return [...new Set(a)]; }

function wire() {
  $("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const v = $("token").value.trim();
    if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY);
    setStatus("Token " + (v ? "set for this tab." : "cleared."), true);
    route();
  });
  const guard = (f) => (e) => {
    if (e) e.preventDefault();
    Promise.resolve(f()).catch((err) => { if (err instanceof AuthError) clearData(); setStatus(err.message); });
  };
  $("seq-form").addEventListener("submit", guard(() => { location.hash = "#sequences?tenant=" + encodeURIComponent($("seq-tenant").value.trim()); }));
  $("seq-tenant").addEventListener("input", suggestTenants);
  $("ed-form").addEventListener("submit", guard(edOpen));
  $("ed-text").addEventListener("input", () => { renderEditor(); });
  $("ed-text").addEventListener("scroll", syncScroll);
  $("ed-validate").addEventListener("click", guard(edValidate));
  $("ed-save").addEventListener("click", guard(edSave));
  $("ed-diff").addEventListener("click", guard(edDiff));
  $("ed-delete").addEventListener("click", () => { $("ed-confirm").hidden = false; $("ed-delete-confirm").focus(); });
  $("ed-delete-cancel").addEventListener("click", () => { $("ed-confirm").hidden = true; $("ed-delete").focus(); });
  $("ed-delete-confirm").addEventListener("click", guard(edDelete));
  $("ex-form").addEventListener("submit", guard(exExplain));
  $("ex-dry").addEventListener("click", guard(exDry));
  window.addEventListener("hashchange", route);
  window.addEventListener("unhandledrejection", (e) => setStatus(String(e.reason && e.reason.message || e.reason)));
  route();
}

document.addEventListener("DOMContentLoaded", wire);
