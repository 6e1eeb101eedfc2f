// Entropy's dashboard: the daemon's HTTP API (docs/api.md) drawn, no library, no build step.
// The status every second, the rounds' history every five, the event stream to redraw at once.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const statusColours = { pending: "var(--pending)", running: "var(--running)",
                        done: "var(--done)", failed: "var(--failed)" };

function el(tag, attrs, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4))
                                      : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c); // text is text, never markup
  return node;
}

async function getJSON(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

async function post(path) {
  const token = document.getElementById("token").value;
  sessionStorage.setItem("entropy-token", token);
  const r = await fetch(path, { method: "POST", headers: { Authorization: "Bearer " + token } });
  const body = await r.json().catch(() => ({}));
  return { ok: r.ok, body };
}

function share(res) {
  return res && res.capacity > 0 ? Math.min(100, 100 * res.used / res.capacity) : 0;
}

function drawNode(n) {
  const classes = ["node", n.state];
  if (n.maintenance) classes.push("maintenance");
  const box = el("div", { class: classes.join(" "), "data-node": n.name,
                          title: n.name + ": " + n.state });
  box.append(el("div", { class: "name" }, n.name));
  for (const r of ["cpu", "memory"]) {
    const res = (n.resources || {})[r];
    if (!res) continue;
    const fill = el("span");
    fill.style.width = share(res).toFixed(1) + "%"; // a property: allowed by the page's CSP
    box.append(el("div", { class: "bar " + r, title: `${r}: ${res.used} / ${res.capacity}` },
                  fill));
  }
  const vms = el("div", { class: "vms" });
  for (const vm of n.vms) vms.append(el("span", { class: "vm", "data-vm": vm }, vm));
  box.append(vms);
  return box;
}

function drawCluster(cluster) {
  const root = document.getElementById("cluster");
  root.replaceChildren();
  if (!cluster) { root.append(el("span", { class: "empty" }, "no snapshot yet")); return; }
  document.getElementById("cluster-figures").textContent =
    `${cluster.active_nodes} of ${cluster.nodes_total} nodes active, ${cluster.vms} VMs`;
  const groups = new Map(); // enclosures grouped, the others together
  for (const n of cluster.nodes) {
    const key = n.enclosure || "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(n);
  }
  for (const [enclosure, nodes] of groups) {
    const nodesBox = el("div", { class: "nodes" }, ...nodes.map(drawNode));
    root.append(enclosure ? el("div", { class: "enclosure", "data-enclosure": enclosure },
                               el("div", { class: "label" }, enclosure), nodesBox)
                          : nodesBox);
  }
}

function drawGantt(plan) {
  const svg = document.getElementById("gantt");
  svg.replaceChildren();
  const figures = document.getElementById("plan-figures");
  if (!plan || !plan.actions || plan.actions.length === 0) {
    figures.textContent = "no plan yet";
    svg.setAttribute("height", 30);
    return;
  }
  const acts = plan.actions;
  const counts = {};
  for (const a of acts) counts[a.status] = (counts[a.status] || 0) + 1;
  figures.textContent = `round ${plan.round}: ${acts.length} action(s), ` +
    Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ") +
    (plan.awaiting_approval ? ", awaiting approval" : "") + (plan.dry_run ? ", dry run" : "") +
    (plan.unapproved ? `, ${plan.unapproved}` : "");
  const width = svg.clientWidth || 1000, label = 260, row = 16;
  const end = Math.max(1, ...acts.map(a => a.end || 0));
  const scale = (width - label - 10) / end;
  svg.setAttribute("height", acts.length * row + 24);
  acts.forEach((a, i) => {
    const y = i * row + 4;
    const text = `${a.kind} ${a.vm || ""} ${a.from || "-"} → ${a.to || "-"}`;
    svg.append(el("svg:text", { x: 0, y: y + 11, "font-size": 11 }, text));
    const x = label + (a.start || 0) * scale, w = Math.max(3, ((a.end || 0) - (a.start || 0)) * scale);
    const bar = el("svg:rect", { x, y, width: w, height: row - 4, rx: 2,
                                 fill: statusColours[a.status] || "var(--pending)",
                                 "data-status": a.status });
    bar.append(el("svg:title", {}, `${text}: ${a.status}${a.error ? " (" + a.error + ")" : ""}`));
    svg.append(bar);
  });
  svg.append(el("svg:text", { x: label, y: acts.length * row + 18, "font-size": 10,
                              fill: "var(--muted)" }, `0 s … ${end} s (planned)`));
}

function drawChart(id, rounds, series) {
  const svg = document.getElementById(id);
  svg.replaceChildren();
  const width = svg.clientWidth || 300, height = svg.clientHeight || 140, pad = 24;
  const values = series.flatMap(s => rounds.map(r => r[s.key] || 0));
  const top = Math.max(1, ...values);
  svg.append(el("svg:text", { x: 2, y: 12, "font-size": 10, fill: "var(--muted)" },
                top.toFixed(top < 10 ? 1 : 0)));
  if (rounds.length < 1) return;
  const step = rounds.length > 1 ? (width - pad - 4) / (rounds.length - 1) : 0;
  for (const s of series) {
    const points = rounds.map((r, i) => {
      const x = pad + i * step;
      const y = height - 4 - (r[s.key] || 0) * (height - 20) / top;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    }).join(" ");
    svg.append(el("svg:polyline", { points, stroke: s.colour, "data-series": s.key }));
    for (const xy of points.split(" ")) { // each round a dot: one round is seen too
      const [cx, cy] = xy.split(",");
      svg.append(el("svg:circle", { cx, cy, r: 2.5, fill: s.colour }));
    }
  }
}

function drawRounds(rounds) {
  const body = document.querySelector("#rounds tbody");
  const ended = rounds.filter(r => r.ended !== null && r.active_nodes !== undefined);
  body.replaceChildren(...rounds.slice().reverse().slice(0, 12).map(r =>
    el("tr", {}, el("td", {}, String(r.round)), el("td", {}, r.state || ""),
       el("td", {}, r.summary || ""))));
  drawChart("chart-nodes", ended, [{ key: "active_nodes", colour: "var(--cpu)" },
                                    { key: "target_nodes", colour: "var(--mem)" }]);
  drawChart("chart-watts", ended, [{ key: "watts", colour: "var(--running)" }]);
  drawChart("chart-actions", ended, [{ key: "done", colour: "var(--done)" },
                                      { key: "failed", colour: "var(--failed)" }]);
}

let paused = false;

function drawStatus(st) {
  const state = document.getElementById("state");
  state.textContent = st.state;
  state.className = "pill " + (st.state === "awaiting approval" ? "awaiting" : st.state);
  document.getElementById("round").textContent = "round " + st.round;
  const last = st.last_round || {};
  document.getElementById("summary").textContent = st.last_round
    ? `last: ${last.active_nodes} active → target ${last.target_nodes} (bound ${last.lower_bound}),` +
      ` ${last.done} done, ${last.failed} failed, ${Math.round(last.watts || 0)} W`
    : "";
  paused = !!st.paused;
  document.getElementById("pause").textContent = paused ? "resume" : "pause";
  drawCluster(st.cluster);
  drawGantt(st.plan);
  const waiting = st.plan && st.plan.awaiting_approval;
  document.getElementById("approval").hidden = !waiting;
  if (waiting) {
    document.getElementById("approval-round").textContent = st.plan.round;
    document.getElementById("approval-actions").textContent = st.plan.actions.length;
  }
}

const drawn = { status: false, rounds: false };

function markDrawn(what) { // both drawn once: the page is ready (a test's browser waits for it)
  drawn[what] = true;
  if (drawn.status && drawn.rounds) document.body.dataset.ready = "1";
}

async function refreshStatus() {
  try {
    drawStatus(await getJSON("api/v1/status"));
    markDrawn("status");
  }
  catch (e) { document.getElementById("state").textContent = "unreachable"; }
}

async function refreshRounds() {
  try {
    drawRounds((await getJSON("api/v1/rounds?last=60")).rounds);
    markDrawn("rounds");
  } catch (e) { /* the next time */ }
}

document.getElementById("token").value = sessionStorage.getItem("entropy-token") || "";
document.getElementById("pause").addEventListener("click", async () => {
  await post(paused ? "api/v1/loop/resume" : "api/v1/loop/pause");
  refreshStatus();
});
document.getElementById("approve").addEventListener("click", async () => {
  const round = document.getElementById("approval-round").textContent;
  const r = await post("api/v1/plan/approve?round=" + encodeURIComponent(round));
  document.getElementById("approval-said").textContent =
    r.ok ? `approved (round ${r.body.round})` : (r.body.error || "refused");
});

refreshStatus();
refreshRounds();
setInterval(refreshStatus, 1000);
setInterval(refreshRounds, 5000);
let soon = null;
// ?nostream: polling only (a page that never goes idle cannot be driven on virtual time)
const streaming = !new URLSearchParams(location.search).has("nostream");
if (window.EventSource && streaming) { // redraw when a phase or an action changes, at most four times a second
  const events = new EventSource("api/v1/events");
  events.onmessage = () => {
    if (!soon) soon = setTimeout(() => { soon = null; refreshStatus(); }, 250);
  };
}
