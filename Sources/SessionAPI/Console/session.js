// One session: transcript and stats as of a position on the timeline, the audit table, exports, fork, live follow
// and compare. Every view of the past is an as-of answer of the API; nothing is replayed here.
import { json, query, request, sessionPath } from "./api.js";
import { differences, differencesView } from "./compare.js";
import { announce, clock, dateTime, dollars, field, h, replace } from "./dom.js";
import { LiveFollower } from "./live.js";
import { messageItem, messageKey } from "./transcript.js";

const PAGE = 200;
// Bodies longer than this come cut short; the whole message is fetched when the reader asks for it.
const BODY = 4000;
const AUDIT_PAGE = 500;
let current = null;

export async function showSession(main, id, parameters, navigate) {
  current?.dispose();
  current = new SessionView(main, id, parameters, navigate);
  await current.load();
}

/** "message.appended" + "assistant message m1 (…)" → "assistant message"; "tool_result.recorded" → "tool result". */
function eventLabel(event) {
  if (event.type === "message.appended") return event.summary ? event.summary.split(" ").slice(0, 2).join(" ") : "message";
  const [subject, verb] = event.type.split(".");
  const words = { "session.created": "created", "session.rewound": "rewind", "processing.cancelled": "cancel",
    "session.forked": "fork", "session.deleted": "deleted" };
  return words[event.type] ?? `${subject.replaceAll("_", " ")} ${verb === "recorded" ? "" : verb.replaceAll("_", " ")}`.trim();
}

class SessionView {
  constructor(main, id, parameters, navigate) {
    this.main = main;
    this.id = id;
    this.navigate = navigate;
    this.requested = parameters.has("at") ? Number(parameters.get("at")) : null;
    const compare = Number(parameters.get("compare") ?? NaN);
    this.compareFrom = Number.isFinite(compare) ? compare : null;
    this.compareSequence = 0;
    this.hideRemoved = parameters.get("hideRemoved") === "1";
    this.typeFilter = "";
    this.auditShown = AUDIT_PAGE;
    this.events = [];
    this.sequence = 0;
    this.follower = null;
    this.timer = null;
  }

  /** The whole of one message as of the shown position: the transcript page that holds only it. */
  loadWhole = async (message) => {
    const page = await json(`${sessionPath(this.id)}/transcript${query({ position: this.position, after: message.addedPosition - 1, limit: 1 })}`);
    return page.messages[0];
  };

  dispose() {
    this.follower?.stop();
    this.observer?.disconnect();
    clearTimeout(this.timer);
    clearTimeout(this.reloadTimer);
    this.disposed = true;
  }

  get index() { return Number(this.slider.value); }
  get position() { return this.events[this.index]?.position; }
  get atLatest() { return this.index === this.events.length - 1; }

  async load() {
    const t0 = performance.now();
    this.events = await json(`${sessionPath(this.id)}/events`);
    // The last event the audit history answered; live events after it are placeholders until the next read.
    this.audited = this.events.at(-1)?.position ?? 0;
    if (!this.events.length) throw new Error("This session has no events.");
    let index = this.events.length - 1;
    if (this.requested !== null && Number.isFinite(this.requested)) {
      const found = this.events.findLastIndex((e) => e.position <= this.requested);
      index = found >= 0 ? found : 0;
    }
    this.build();
    this.setMaximum();
    this.slider.value = String(index);
    await this.show({ announceIt: false });
    this.loadedIn = performance.now() - t0;
    document.documentElement.dataset.firstRenderMs = String(Math.round(this.loadedIn));
    this.startFollowing();
  }

  // MARK: layout

  build() {
    this.title = h("h1", {}, "Session");
    this.meta = h("p", { class: "muted" });
    this.slider = h("input", { type: "range", min: 0, step: 1, "aria-label": "Timeline" });
    this.slider.addEventListener("input", () => this.schedule());
    this.slider.addEventListener("keydown", (event) => {
      if (event.key === "PageUp" || event.key === "PageDown") {
        event.preventDefault();
        this.move(this.index + (event.key === "PageUp" ? 10 : -10));
      }
    });
    this.positionText = h("output", { "aria-live": "off" });
    const previous = h("button", { type: "button", onclick: () => this.move(this.index - 1) }, "Previous event");
    const next = h("button", { type: "button", onclick: () => this.move(this.index + 1) }, "Next event");
    const first = h("button", { type: "button", onclick: () => this.move(0) }, "First event");
    const last = h("button", { type: "button", onclick: () => this.move(this.events.length - 1) }, "Latest event");

    const hide = h("input", { type: "checkbox", role: "switch", checked: this.hideRemoved });
    hide.addEventListener("change", () => {
      this.hideRemoved = hide.checked;
      this.transcript.classList.toggle("hide-removed", this.hideRemoved);
      this.updateURL();
    });
    this.followSwitch = h("input", { type: "checkbox", role: "switch", checked: true });
    this.followSwitch.addEventListener("change", () => this.followSwitch.checked ? this.startFollowing() : this.follower?.stop());
    this.compareSwitch = h("input", { type: "checkbox", role: "switch", checked: this.compareFrom !== null });
    this.compareSwitch.addEventListener("change", () => {
      this.compareFrom = this.compareSwitch.checked ? this.position : null;
      this.updateURL();
      this.showCompare();
    });

    const toolbar = h("div", { class: "toolbar" },
      h("label", { class: "switch" }, hide, " Hide removed messages"),
      h("label", { class: "switch" }, this.followSwitch, " Follow live"),
      h("label", { class: "switch" }, this.compareSwitch, " Compare from this event"),
      h("button", { type: "button", onclick: () => this.download("json") }, "Download JSON"),
      h("button", { type: "button", onclick: () => this.download("markdown") }, "Download Markdown"),
      h("button", { type: "button", onclick: () => this.fork() }, "Fork from here"));

    this.liveState = h("span", { role: "status", class: "live-state" }, "Live: starting");
    this.liveLog = h("ol", { role: "log", "aria-label": "Live events", class: "live-log" });
    this.transcript = h("ol", { "aria-label": "Transcript", class: `transcript${this.hideRemoved ? " hide-removed" : ""}` });
    this.transcriptInfo = h("p", { class: "muted" });
    this.more = h("button", { type: "button", hidden: true, onclick: () => this.loadMore() }, "Load more messages");
    this.stats = h("dl", { class: "stats" });
    this.callbacks = h("ul", { "aria-label": "Callbacks" });
    this.comparePanel = h("section", { "aria-label": "Changes", class: "compare", hidden: true });

    this.typeSelect = h("select", {}, h("option", { value: "" }, "All types"));
    this.typeSelect.addEventListener("change", () => { this.typeFilter = this.typeSelect.value; this.auditShown = AUDIT_PAGE; this.renderAudit(); });
    this.auditBody = h("tbody");
    this.auditMore = h("button", { type: "button", hidden: true, onclick: () => { this.auditShown += AUDIT_PAGE; this.renderAudit(); } }, "Show more events");

    replace(this.main,
      h("p", {}, h("a", { href: "/ui/" }, "← Sessions")),
      this.title, this.meta,
      h("section", { "aria-label": "Time travel", class: "timeline" },
        h("div", { class: "slider-row" }, this.slider, this.positionText),
        h("div", { class: "buttons" }, first, previous, next, last),
        toolbar),
      h("div", { class: "layout" },
        h("section", { "aria-label": "Conversation", class: "conversation" },
          h("h2", {}, "Transcript"), this.transcriptInfo, this.transcript, this.more),
        h("aside", { "aria-label": "Session details" },
          h("h2", {}, "Stats"), this.stats,
          h("h2", {}, "Callbacks"), this.callbacks,
          this.comparePanel,
          h("h2", {}, "Live"), this.liveState, this.liveLog)),
      h("section", { "aria-label": "Audit", class: "audit" },
        h("h2", {}, "Audit events"),
        field("Event type", this.typeSelect),
        h("div", { class: "scroll-x" },
          h("table", { "aria-label": "Audit events" },
            h("thead", {}, h("tr", {}, ["Position", "Time (UTC)", "Type", "Actor key", "Request id", "Summary"]
              .map((name) => h("th", { scope: "col" }, name)))),
            this.auditBody)),
        this.auditMore));

    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !this.more.hidden) this.loadMore();
    }, { rootMargin: "800px" });
    this.observer.observe(this.more);
  }

  setMaximum() {
    this.slider.max = String(this.events.length - 1);
    const types = [...new Set(this.events.map((e) => e.type))].sort();
    const have = new Set([...this.typeSelect.options].map((o) => o.value));
    for (const type of types) if (!have.has(type)) this.typeSelect.append(h("option", { value: type }, type));
  }

  // MARK: moving on the timeline

  move(index) {
    this.slider.value = String(Math.max(0, Math.min(this.events.length - 1, index)));
    this.slider.focus();
    this.show();
  }

  /** Debounces dragging: the as-of view is fetched once the slider rests. */
  schedule() {
    this.describeSlider();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.show(), 150);
  }

  describeSlider() {
    const event = this.events[this.index];
    const text = `event ${this.index + 1} of ${this.events.length} · ${eventLabel(event)} · ${clock(event.recordedAt)}`;
    this.slider.setAttribute("aria-valuetext", text);
    this.positionText.textContent = `#${event.position} · ${text}`;
  }

  updateURL() {
    const parameters = { session: this.id };
    if (!this.atLatest) parameters.at = this.position;
    if (this.compareFrom !== null) parameters.compare = this.compareFrom;
    if (this.hideRemoved) parameters.hideRemoved = 1;
    history.replaceState(null, "", `/ui/${query(parameters)}`);
  }

  /** Fetches the session and the first transcript page as of the slider's position and renders them. */
  async show({ announceIt = true, live = false } = {}) {
    clearTimeout(this.timer);
    this.describeSlider();
    this.updateURL();
    const position = this.position;
    const sequence = ++this.sequence;
    // A live update keeps every page the reader has loaded (and, when that was all, room for what is new);
    // a move on the timeline starts from the first page.
    const loaded = this.transcript.children.length;
    const limit = !live ? PAGE : this.more.hidden ? loaded + PAGE : Math.max(PAGE, loaded);
    const [session, page] = await Promise.all([
      json(`${sessionPath(this.id)}${query({ position })}`),
      json(`${sessionPath(this.id)}/transcript${query({ position, limit, maxBodyCharacters: BODY })}`),
    ]);
    if (sequence !== this.sequence || this.disposed) return;  // a later move won
    this.session = session;
    const stickToEnd = this.transcriptEndInView();
    this.renderHeader(session);
    this.renderStats(page.stats, session);
    this.renderMessages(page.messages);
    this.next = page.next;
    this.more.hidden = page.next === undefined || page.next === null;
    this.transcriptInfo.textContent = `${page.total} messages as of #${page.position}` +
      (page.stats.removedMessages ? `, ${page.stats.removedMessages} removed by a rewind by then` : "");
    this.renderAudit();
    if (this.compareFrom !== null) await this.showCompare();
    // Live updates keep a reader at the end of the transcript there, and leave one who scrolled up where they are.
    if (live && stickToEnd && this.more.hidden) this.transcript.lastElementChild?.scrollIntoView({ block: "end" });
    if (announceIt) announce(`Showing the session as of event ${this.index + 1} of ${this.events.length}`);
  }

  /**
   * Shows `messages`, keeping the element of every message that did not change: its open folds, its place
   * under the reader's eyes and its measured height stay as they were.
   */
  renderMessages(messages) {
    const shown = new Map([...this.transcript.children].map((item) => [item.key, item]));
    const wanted = messages.map((message) => shown.get(messageKey(message)) ?? this.item(message));
    // Unchanged items are never taken out of the page, so the browser's scroll anchoring holds the reader's place.
    const keep = new Set(wanted);
    for (const item of [...this.transcript.children]) if (!keep.has(item)) item.remove();
    wanted.forEach((item, index) => {
      const at = this.transcript.children[index];
      if (at !== item) this.transcript.insertBefore(item, at ?? null);
    });
  }

  /** A transcript item, keyed by the message as the API answered it. */
  item(message) {
    const item = messageItem(message, this.loadWhole);
    item.key = messageKey(message);
    return item;
  }

  /** Whether the reader sees the end of the transcript (its last message, or the space just below it). */
  transcriptEndInView() {
    const end = this.transcript.getBoundingClientRect().bottom;
    return end >= -120 && end <= window.innerHeight + 120;
  }

  async loadMore() {
    if (this.loadingMore || this.next === undefined || this.next === null) return;
    this.loadingMore = true;
    const sequence = this.sequence;
    try {
      const page = await json(`${sessionPath(this.id)}/transcript${query({ position: this.position, after: this.next, limit: PAGE, maxBodyCharacters: BODY })}`);
      if (sequence !== this.sequence) return;
      this.transcript.append(...page.messages.map((m) => this.item(m)));
      this.next = page.next;
      this.more.hidden = page.next === undefined || page.next === null;
    } finally {
      this.loadingMore = false;
    }
  }

  renderHeader(session) {
    this.title.textContent = session.title || `Untitled session`;
    document.title = `${session.title || session.id} · sessiond`;
    replace(this.meta,
      `${session.id} · ${session.status}${session.isProcessing ? " · processing" : ""} · namespace ${session.namespace} · version ${session.version}`,
      session.forkedFrom ? [" · forked from ", h("a", {
        href: `/ui/${query({ session: session.forkedFrom.sessionId, at: session.forkedFrom.position })}`,
      }, `${session.forkedFrom.sessionId} at #${session.forkedFrom.position}`)] : null);
  }

  renderStats(stats, session) {
    const rows = [
      ["Tokens in", stats.inputTokens], ["Tokens out", stats.outputTokens],
      ["Cache write", stats.cacheCreationTokens], ["Cache read", stats.cacheReadTokens],
      ["Cost", dollars(stats.cost)],
      ["Latency p50", stats.latencyP50Ms == null ? "—" : `${Math.round(stats.latencyP50Ms)} ms`],
      ["Latency max", stats.latencyMaxMs == null ? "—" : `${Math.round(stats.latencyMaxMs)} ms`],
      ["Tool calls", stats.toolCalls], ["Errors", stats.errors],
      ["Live messages", stats.liveMessages], ["Removed messages", stats.removedMessages],
    ];
    replace(this.stats, ...rows.flatMap(([name, value]) => [h("dt", {}, name), h("dd", { class: name === "Errors" && value ? "error-text" : "" }, value)]));
    replace(this.callbacks, ...(session.callbacks?.length
      ? session.callbacks.map((c) => h("li", {}, `${c.name} · ${c.type} on ${c.toolName}`))
      : [h("li", {}, "None")]));
  }

  // MARK: audit table

  renderAudit() {
    const rows = this.events.filter((e) => !this.typeFilter || e.type === this.typeFilter);
    const shown = rows.slice(0, this.auditShown);
    const selected = this.position;
    this.auditBody.replaceChildren(...shown.map((event) => {
      const row = h("tr", { tabindex: 0, "aria-current": event.position === selected ? "true" : null, class: event.position === selected ? "selected" : "" },
        h("td", { class: "num" }, `#${event.position}`),
        h("td", {}, dateTime(event.recordedAt)),
        h("td", {}, event.type),
        h("td", {}, event.actor ?? ""),
        h("td", {}, event.requestId ?? ""),
        h("td", {}, event.summary ?? ""));
      const go = () => this.move(this.events.indexOf(event));
      row.addEventListener("click", go);
      row.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
      return row;
    }));
    this.auditMore.hidden = rows.length <= this.auditShown;
  }

  // MARK: exports and fork

  async download(format) {
    const position = this.position;
    const response = await request(`${sessionPath(this.id)}/export${query({ position, format })}`);
    const blob = await response.blob();
    const link = h("a", { href: URL.createObjectURL(blob), download: `${this.id}-at-${position}.${format === "json" ? "json" : "md"}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    announce(`Downloaded the ${format === "json" ? "JSON" : "Markdown"} export as of #${position}`);
  }

  async fork() {
    const position = this.position;
    const created = await json(`${sessionPath(this.id)}/fork${query({ position })}`, { method: "POST", body: {} });
    announce(`Forked into ${created.id}`);
    this.navigate(`/ui/${query({ session: created.id })}`);
  }

  // MARK: compare

  async showCompare() {
    if (this.compareFrom === null) {
      this.compareSequence += 1;  // an answer still on its way is not shown
      this.comparePanel.hidden = true;
      return;
    }
    const from = this.compareFrom, to = this.position;
    const sequence = ++this.compareSequence;
    const side = async (position) => {
      const [session, page] = await Promise.all([
        json(`${sessionPath(this.id)}${query({ position })}`),
        json(`${sessionPath(this.id)}/transcript${query({ position, limit: 100000 })}`),
      ]);
      return { session, messages: page.messages };
    };
    let view;
    try {
      const [a, b] = await Promise.all([side(from), side(to)]);
      view = differencesView(from, to, differences(a, b));
    } catch (error) {
      view = h("p", { role: "alert" }, `The comparison could not be loaded: ${error.message ?? error}`);
    }
    // A later move (or switch) asked for another comparison meanwhile: its answer is the one to show.
    if (sequence !== this.compareSequence || this.disposed) return;
    replace(this.comparePanel, h("h2", {}, "Changes"), view);
    this.comparePanel.hidden = false;
  }

  // MARK: live

  get following() { return this.followSwitch?.checked; }

  startFollowing() {
    if (!this.follower) {
      const last = this.events[this.events.length - 1].position;
      this.follower = new LiveFollower(this.id, last, (event) => this.received(event), (state) => {
        this.liveState.textContent = `Live: ${state}`;
      });
    }
    this.follower.start();
  }

  received(event) {
    this.liveLog.append(h("li", {}, `#${event.position} ${event.type}`));
    const wasLatest = this.atLatest;
    this.events.push({
      position: event.position, version: event.version, recordedAt: event.recordedAt, type: event.type,
      eventId: event.eventId, actor: event.metadata?.["actor.key"], requestId: event.metadata?.["request.id"], summary: "",
    });
    this.setMaximum();
    if (wasLatest && this.following) this.slider.value = String(this.events.length - 1);
    this.describeSlider();
    // Summaries come from the audit history; one reload after a burst of events.
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.refresh(wasLatest), 250);
  }

  async refresh(followLatest, retries = 0) {
    const audited = this.audited;
    let fresh;
    try {
      // Only the events after the last one read: a burst costs its own events, not the session's history.
      fresh = await json(`${sessionPath(this.id)}/events${query({ after: audited })}`);
    } catch {
      // The server is away (the stream is reconnecting); the next event received tries again.
      return;
    }
    if (this.disposed || audited !== this.audited) return;
    const position = this.position;
    const read = fresh.at(-1)?.position ?? audited;
    // Placeholders the history did not reach yet (the projections may lag the stream) stay until the next read.
    const events = [...this.events.filter((e) => e.position <= audited), ...fresh, ...this.events.filter((e) => e.position > read)];
    this.events = events;
    this.audited = read;
    // The history lagged the stream: ask again shortly (for a while), so the last rows get their summaries
    // without waiting for a new event.
    if (events.at(-1).position > read && retries < 20) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => this.refresh(followLatest, retries + 1), 250);
    }
    this.setMaximum();
    const index = followLatest && this.following ? events.length - 1 : events.findLastIndex((e) => e.position <= position);
    this.slider.value = String(Math.max(0, index));
    if (!followLatest) {
      this.describeSlider();
      this.renderAudit();
      return;
    }
    try {
      await this.show({ announceIt: false, live: true });
    } catch {
      // As above: the next event received tries again.
    }
  }
}
