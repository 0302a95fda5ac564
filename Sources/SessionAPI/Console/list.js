// The sessions list: filters, search and sort held in the URL, pages through the API's cursor.
import { json, query } from "./api.js";
import { announce, dateTime, dollars, field, h, replace } from "./dom.js";

// "processing" is a filter beside the statuses: sessions running a turn now (they count as active).
const STATUSES = ["", "active", "idle", "archived", "terminated", "processing"];
const SORTS = [
  ["newest", "Newest"], ["oldest", "Oldest"], ["lastActivity", "Last activity"], ["cost", "Cost"],
  ["tokens", "Tokens"], ["messages", "Messages"], ["title", "Title"],
];

export async function showList(main, parameters, navigate) {
  const filters = {
    q: parameters.get("q") ?? "",
    status: parameters.get("status") ?? "",
    namespace: parameters.get("namespace") ?? "",
    sort: parameters.get("sort") ?? "newest",
    cursor: parameters.get("cursor") ?? "",
  };
  const page = await json(`/v1/sessions${query({ ...filters, limit: 50 })}`);

  const search = h("input", { type: "search", value: filters.q, placeholder: "title, id or user" });
  const status = h("select", {}, STATUSES.map((value) =>
    h("option", { value, selected: value === filters.status }, value || "Any")));
  const namespace = h("input", { type: "text", value: filters.namespace, placeholder: "all" });
  const sort = h("select", {}, SORTS.map(([value, label]) =>
    h("option", { value, selected: value === filters.sort }, label)));
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter sessions" },
    field("Search", search), field("Status", status), field("Namespace", namespace), field("Sort by", sort),
    h("button", { type: "submit" }, "Apply"));
  const apply = (event) => {
    event?.preventDefault();
    navigate(`/ui/${query({ q: search.value.trim(), status: status.value, namespace: namespace.value.trim(), sort: sort.value })}`);
  };
  form.addEventListener("submit", apply);
  status.addEventListener("change", apply);
  sort.addEventListener("change", apply);

  const rows = page.sessions.map((session) => row(session));
  const table = h("table", { "aria-label": "Sessions" },
    h("thead", {}, h("tr", {}, ["Title", "Status", "User", "Namespace", "Created (UTC)", "Last activity (UTC)",
      "Messages", "Tokens", "Tool calls", "Cost"].map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, rows));

  const pager = h("nav", { class: "pager", "aria-label": "Pages" },
    filters.cursor ? h("a", { href: `/ui/${query({ ...filters, cursor: "" })}` }, "First page") : null,
    page.nextCursor ? h("a", { href: `/ui/${query({ ...filters, cursor: page.nextCursor })}` }, "Next page") : null);

  replace(main,
    h("h1", {}, "Sessions"),
    form,
    page.sessions.length ? h("div", { class: "scroll-x" }, table) : h("p", {}, "No sessions match these filters."),
    pager,
  );
  document.title = "Sessions · sessiond";
  announce(`${page.sessions.length} sessions shown`);
}

function row(session) {
  const status = session.isProcessing ? `${session.status} · processing` : session.status;
  return h("tr", {},
    h("td", {}, h("a", { href: `/ui/?session=${encodeURIComponent(session.id)}` }, session.title || `Untitled ${session.id}`)),
    h("td", {}, h("span", { class: `badge status-${session.status}` }, status)),
    h("td", {}, session.userId ?? ""),
    h("td", {}, session.namespace),
    h("td", {}, dateTime(session.createdAt)),
    h("td", {}, dateTime(session.lastActivityAt)),
    h("td", { class: "num" }, session.messageCount),
    h("td", { class: "num" }, session.promptTokens + session.completionTokens),
    h("td", { class: "num" }, session.toolCallCount),
    h("td", { class: "num" }, dollars(session.cost)));
}
