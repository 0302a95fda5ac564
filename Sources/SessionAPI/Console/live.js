// Follows one session's native event stream (/v1/events/stream?sessionId=) with fetch, so the API key can travel
// as a header; the server reads that session's records only. Resumes after the last position seen: `?after=` on
// the first connection, `Last-Event-ID` on every reconnect.
import { headers } from "./api.js";

export class LiveFollower {
  /**
   * @param sessionId the session followed
   * @param after the last log position already shown (the stream starts after it)
   * @param onEvent called with each native event (position, sessionId, type, …) in log order
   * @param onState called with "connecting", "live", "reconnecting" or "paused"
   */
  constructor(sessionId, after, onEvent, onState) {
    this.stream = `/v1/events/stream?sessionId=${encodeURIComponent(sessionId)}`;
    this.lastSeen = after;
    this.onEvent = onEvent;
    this.onState = onState;
    this.controller = null;
    this.connections = 0;
  }

  start() {
    if (this.controller) return;
    this.controller = new AbortController();
    this.run(this.controller.signal);
  }

  stop() {
    this.controller?.abort();
    this.controller = null;
    this.onState("paused");
  }

  async run(signal) {
    let delay = 500;
    while (!signal.aborted) {
      this.onState(this.connections === 0 ? "connecting" : "reconnecting");
      try {
        const first = this.connections === 0;
        this.connections += 1;
        const url = first ? `${this.stream}&after=${this.lastSeen}` : this.stream;
        const response = await fetch(url, {
          headers: headers(first ? { Accept: "text/event-stream" } : { Accept: "text/event-stream", "Last-Event-ID": String(this.lastSeen) }),
          signal,
          cache: "no-store",
        });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        this.onState("live");
        delay = 500;
        await this.read(response.body, signal);
      } catch (error) {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      this.onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 4000);
    }
  }

  async read(body, signal) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  dispatch(block) {
    let id = null, type = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "id") id = value;
      else if (name === "event") type = value;
      else if (name === "data") data += (data ? "\n" : "") + value;
    }
    if (type === "heartbeat" || !data) return;
    const position = Number(id);
    if (!Number.isFinite(position)) return;
    this.lastSeen = position;
    try {
      this.onEvent(JSON.parse(data));
    } catch { /* a malformed event is skipped; the audit table reloads from the API anyway */ }
  }
}
