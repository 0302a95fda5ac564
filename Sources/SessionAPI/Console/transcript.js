// Rendering transcript messages: text as text, reasoning and tool calls folded, removed messages marked in words.
import { request } from "./api.js";
import { clock, dollars, h } from "./dom.js";

/**
 * One message as an <li><article>; messages a rewind removed are struck through and labelled. A message whose
 * long bodies the page was sent cut short offers a button that asks `loadWhole(message)` for all of it.
 */
export function messageItem(message, loadWhole) {
  // Labelled by any rewind that removed it, even a later one; struck through (and hidden on request) only when
  // removed by the point shown, as the as-of export has it.
  const removed = message.removedPosition !== undefined && message.removedPosition !== null;
  const removedByThen = message.isRemoved ?? removed;
  const id = message.messageId;
  const results = new Map(message.toolResults.map((result) => [result.toolCallId, result]));
  const article = h("article", { "aria-label": `${message.role} message ${id}`, class: `message role-${message.role}` },
    h("header", {},
      h("span", { class: "who" }, `${message.role} · ${id}`),
      h("span", { class: "muted" }, ` · #${message.addedPosition} · ${clock(message.createdAt)}`),
      message.model ? h("span", { class: "muted" }, ` · ${message.model}`) : null,
      usage(message)),
    removed ? h("p", { class: "removed-label" }, `removed by rewind at #${message.removedPosition}`) : null,
    message.reasoning ? fold("Reasoning", h("pre", {}, message.reasoning)) : null,
    message.text ? h("div", { role: "group", "aria-label": "Message text", class: "text" }, message.text, message.truncated ? " …" : "") : null,
    (message.toolCalls ?? []).map((call) => toolCall(call, results.get(call.id))),
    message.toolResultIds.length ? h("p", { class: "muted" }, `carries results of ${message.toolResultIds.join(", ")}`) : null,
    message.callbackResults.map(callbackResult),
    message.truncated && loadWhole ? h("button", { type: "button", onclick: async (event) => {
      event.target.disabled = true;
      const whole = messageItem(await loadWhole(message), null);
      // Keyed as the shortened one it replaces, so the next live update keeps it instead of shortening it again.
      whole.key = item.key;
      item.replaceWith(whole);
    } }, "Show the whole message") : null);
  const item = h("li", { class: removedByThen ? "removed" : "", "data-position": message.addedPosition }, article);
  return item;
}

/** The message as text with its keys sorted (the API's key order may differ between answers): equal when unchanged. */
export function messageKey(message) {
  return JSON.stringify(message, (_, value) => value && typeof value === "object" && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value);
}

function usage(message) {
  const parts = [];
  if (message.inputTokens || message.outputTokens) parts.push(`${message.inputTokens ?? 0} in / ${message.outputTokens ?? 0} out`);
  if (message.cost) parts.push(dollars(message.cost));
  if (message.latencyMs !== undefined && message.latencyMs !== null) parts.push(`${Math.round(message.latencyMs)} ms`);
  return parts.length ? h("span", { class: "muted" }, ` · ${parts.join(" · ")}`) : null;
}

/** A folded block: <details> is keyboard-operable and announced as a disclosure, named by its summary. */
function fold(summary, ...content) {
  return h("details", { "aria-label": summary }, h("summary", {}, summary), content);
}

function toolCall(call, result) {
  const state = !result ? "no result yet" : result.isError ? "error" : result.finished ? "ok" : "partial";
  const shots = result?.screenshotUrls?.length ? screenshots(result.screenshotUrls) : null;
  const details = fold(`Tool call ${call.name} (${call.id}) · ${state}`,
    h("p", { class: "muted" }, "Input"),
    h("pre", {}, pretty(call.input)),
    result ? [h("p", { class: "muted" }, result.isError ? "Result (error)" : "Result"), h("pre", {}, result.result)] : null,
    shots);
  // Thumbnails are fetched once, when the reader opens the fold.
  if (shots) details.addEventListener("toggle", () => {
    if (!details.open || shots.loaded) return;
    shots.loaded = true;
    for (const item of shots.children) item.load?.();
  });
  return h("div", { class: `tool-call${result?.isError ? " error" : ""}` }, details);
}

/**
 * Screenshots: same-origin ones (a session file, say) as thumbnails, fetched with the tab's key when their fold
 * opens; others only named, since the page loads nothing from another origin.
 */
function screenshots(urls) {
  return h("ul", { class: "shots", "aria-label": "Screenshots" }, urls.map((url, index) => {
    const local = sameOrigin(url);
    if (!local) {
      // A link only to a web page: a session's text chooses the URL, so no `javascript:` or `data:`.
      const web = /^https?:\/\//i.test(url);
      return h("li", {}, "external image (not loaded): ",
        web ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url) : url);
    }
    const image = h("img", { alt: `Screenshot ${index + 1}`, width: 160, hidden: true });
    const status = h("span", { class: "muted" }, "loading…");
    const link = h("a", { target: "_blank", rel: "noopener" }, image);
    const item = h("li", {}, link, status);
    item.load = async () => {
      try {
        const blob = await (await request(local)).blob();
        // The full-size view opens the fetched bytes, never the file's URL (which a tab would open without the
        // key, and whose type the uploader chose), and only a raster image: an SVG or an HTML page opened from a
        // blob would run its script on this page's origin.
        const picture = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i.test(blob.type.split(";")[0].trim());
        image.src = URL.createObjectURL(picture ? blob : new Blob([blob], { type: "application/octet-stream" }));
        if (picture) link.href = image.src;
        image.hidden = false;
        status.remove();
      } catch (error) {
        status.textContent = `screenshot ${local} could not be loaded: ${error.message}`;
      }
    };
    return item;
  }));
}

/** The path of `url` when it is on this page's origin, else null. */
function sameOrigin(url) {
  try {
    const parsed = new URL(url, location.href);
    const path = parsed.pathname + parsed.search;
    // `http://this-host//other.example/x` is on this origin, but its path alone would name another host.
    return parsed.origin === location.origin && !path.startsWith("//") ? path : null;
  } catch {
    return null;
  }
}

function callbackResult(result) {
  return h("div", { class: `callback${result.success ? "" : " error"}` },
    fold(`Callback ${result.callbackType}${result.callbackName ? ` ${result.callbackName}` : ""} for ${result.toolCallId}: ${result.success ? "success" : "failure"}`,
      result.stdout ? [h("p", { class: "muted" }, "stdout"), h("pre", {}, result.stdout)] : null,
      result.stderr ? [h("p", { class: "muted" }, "stderr"), h("pre", {}, result.stderr)] : null,
      result.error ? h("p", { class: "error-text" }, result.error) : null));
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
