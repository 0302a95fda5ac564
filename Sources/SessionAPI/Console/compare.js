// Compare mode: what changed between two positions of one session, from two as-of answers of the API.
import { dollars, h } from "./dom.js";

/**
 * The differences from `a` to `b`, each `{ session, messages }` as the API answered at that position
 * (`messages`: the whole audited transcript then).
 */
export function differences(a, b) {
  const liveIn = (side) => new Map(side.messages.filter((m) => !m.isRemoved).map((m) => [m.messageId, m]));
  const before = liveIn(a), after = liveIn(b);
  const added = [...after.values()].filter((m) => !before.has(m.messageId));
  const removed = [...before.values()].filter((m) => !after.has(m.messageId));
  const fields = [];
  for (const [label, read] of FIELDS) {
    const x = read(a.session), y = read(b.session);
    if (x !== y) fields.push({ label, from: x, to: y });
  }
  const results = toolResultChanges(a, b);
  return { added, removed, fields, results };
}

/** Every tool call of the live messages with the state of its result: `{ name, state, text }` by call id. */
function toolResults(side) {
  const calls = new Map();
  for (const message of side.messages.filter((m) => !m.isRemoved)) {
    const results = new Map((message.toolResults ?? []).map((r) => [r.toolCallId, r]));
    for (const call of message.toolCalls ?? []) {
      const result = results.get(call.id);
      const state = !result ? "no result" : result.isError ? "error" : result.finished === false ? "partial" : "ok";
      calls.set(call.id, { name: call.name, state, text: result?.result ?? "" });
    }
  }
  return calls;
}

/** Tool results recorded, changed or gone from `a` to `b`: `{ id, name, from, to, text }` each. */
function toolResultChanges(a, b) {
  const before = toolResults(a), after = toolResults(b);
  const changes = [];
  for (const [id, now] of after) {
    const then = before.get(id);
    if (!then || then.state !== now.state || then.text !== now.text) {
      changes.push({ id, name: now.name, from: then ? then.state : "no call", to: now.state, text: now.text });
    }
  }
  for (const [id, then] of before) {
    if (!after.has(id)) changes.push({ id, name: then.name, from: then.state, to: "no call", text: "" });
  }
  return changes;
}

const FIELDS = [
  ["Title", (s) => s.title ?? ""],
  ["Status", (s) => s.status],
  ["Processing", (s) => String(s.isProcessing)],
  ["Callbacks", (s) => JSON.stringify(s.callbacks ?? [])],
  ["User memory", (s) => JSON.stringify(s.userMemory ?? null)],
  ["Messages", (s) => String(s.messageCount)],
  ["User messages", (s) => String(s.userMessageCount)],
  ["Assistant messages", (s) => String(s.assistantMessageCount)],
  ["Tool messages", (s) => String(s.toolCallCount)],
  ["Prompt tokens", (s) => String(s.promptTokens)],
  ["Completion tokens", (s) => String(s.completionTokens)],
  ["Cost", (s) => dollars(s.cost)],
];

/** The compare panel's content. */
export function differencesView(from, to, diff) {
  const summary = (m) => `${m.role} ${m.messageId}: ${(m.text ?? "").slice(0, 80)}`;
  return [
    h("p", {}, `From event at #${from} to event at #${to}`),
    h("h3", {}, `Messages added (${diff.added.length})`),
    diff.added.length ? h("ul", { "aria-label": "Messages added" }, diff.added.map((m) => h("li", {}, summary(m)))) : h("p", {}, "None"),
    h("h3", {}, `Messages removed (${diff.removed.length})`),
    diff.removed.length ? h("ul", { "aria-label": "Messages removed" }, diff.removed.map((m) => h("li", {}, summary(m)))) : h("p", {}, "None"),
    h("h3", {}, `Tool results changed (${diff.results.length})`),
    diff.results.length
      ? h("ul", { "aria-label": "Tool results changed" }, diff.results.map((r) =>
        h("li", {}, `${r.name} (${r.id}): ${r.from} → ${r.to}${r.text ? `: ${r.text.slice(0, 80)}` : ""}`)))
      : h("p", {}, "None"),
    h("h3", {}, `Fields and counters changed (${diff.fields.length})`),
    diff.fields.length
      ? h("table", { "aria-label": "Fields changed" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
        h("tbody", {}, diff.fields.map((f) => h("tr", {}, h("th", { scope: "row" }, f.label), h("td", {}, f.from), h("td", {}, f.to)))))
      : h("p", {}, "None"),
  ];
}
