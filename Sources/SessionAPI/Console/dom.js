// Building elements without ever parsing data as HTML: every string becomes a text node.

/** Creates `tag` with attributes/properties from `attrs` and appends `children` (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key in element && !key.startsWith("aria") && key !== "role" && key !== "for") {
      element[key] = value;
    } else {
      element.setAttribute(key === "for" ? "for" : key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: nodes as they are, strings and numbers as text, arrays flattened, null skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Removes every child of `element`. */
export function clear(element) {
  element.replaceChildren();
  return element;
}

/** Replaces the children of `element` with `children` (as `append` takes them). */
export function replace(element, ...children) {
  return append(clear(element), children);
}

/** A labelled form control: `<label>` then the control, the label naming it. */
export function field(labelText, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, labelText), control);
}

/** Announces `text` through the page's one polite live region. */
export function announce(text) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  // A fresh text node, a tick later, so repeating the same message is announced again.
  setTimeout(() => { region.textContent = text; }, 20);
}

/** `2026-11-23T14:03:07.123456Z` → `14:03:07` (UTC). */
export function clock(iso) {
  return typeof iso === "string" && iso.length >= 19 ? iso.slice(11, 19) : "";
}

/** `2026-11-23T14:03:07Z` → `2026-11-23 14:03:07` (UTC). */
export function dateTime(iso) {
  return typeof iso === "string" && iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : "";
}

/** A cost in dollars, four decimals. */
export function dollars(value) {
  return `$${(value ?? 0).toFixed(4)}`;
}
