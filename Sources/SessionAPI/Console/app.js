// Entry point: picks the view from the URL (the list, or one session with ?session=ID) and asks for an API key
// when the server answers 401.
import { APIError, apiKey, setAPIKey } from "./api.js";
import { clear, field, h } from "./dom.js";
import { showList } from "./list.js";
import { showSession } from "./session.js";

const main = document.getElementById("main");
const forget = document.getElementById("forget-key");

forget.addEventListener("click", () => {
  setAPIKey(null);
  route();
});

/** Renders the view the current URL names; a 401 turns into the key form. */
export async function route() {
  forget.hidden = !apiKey();
  const parameters = new URLSearchParams(location.search);
  try {
    if (parameters.get("session")) {
      await showSession(main, parameters.get("session"), parameters, navigate);
    } else {
      await showList(main, parameters, navigate);
    }
  } catch (error) {
    showError(error);
  }
}

/** Goes to `url` (same page, new query) and renders it; `replace` keeps the history entry. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  route();
}

function showError(error) {
  if (error instanceof APIError && error.status === 401) {
    showKeyForm(error.message);
    return;
  }
  clear(main);
  main.append(
    h("h1", {}, "Something went wrong"),
    h("p", { role: "alert" }, error instanceof APIError ? `${error.status} ${error.code}: ${error.message}` : String(error)),
    h("p", {}, h("a", { href: "/ui/" }, "Back to the sessions")),
  );
}

function showKeyForm(reason) {
  clear(main);
  const input = h("input", { type: "password", autocomplete: "off", required: true });
  const form = h("form", { "aria-labelledby": "key-heading" },
    h("h1", { id: "key-heading" }, "API key needed"),
    h("p", {}, "This server requires an API key. It is kept for this tab only and sent as a Bearer token."),
    h("p", { class: "muted" }, reason),
    field("API key", input),
    h("button", { type: "submit" }, "Use this key"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setAPIKey(input.value.trim());
    route();
  });
  main.append(form);
  input.focus();
}

window.addEventListener("popstate", route);
route();
