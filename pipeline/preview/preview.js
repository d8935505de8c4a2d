// The translator preview's toolbar, live reload and translator mode. `brochure serve` adds this
// script to the pages it serves; published pages never carry it.
(() => {
  "use strict";

  const script = document.currentScript;
  const { generation, locale, name, kind, note } = script.dataset;
  const MODE_KEY = "brochure-preview:translator-mode";
  const SCROLL_KEY = "brochure-preview:scroll:" + location.pathname;
  const STATUSES = ["untranslated", "fuzzy", "refused"];
  const STATUS_TEXT = {
    source: "source text",
    translated: "translated",
    untranslated: "untranslated: the source text is shown",
    fuzzy: "fuzzy: waits for review, the source text is shown",
    refused: "refused: its markup or placeholders differ from the source, the source text is shown",
  };
  let segments = null;

  // ------------------------------------------------------------ live reload

  function listen() {
    const events = new EventSource("/events?since=" + encodeURIComponent(generation));
    events.addEventListener("reload", () => {
      events.close();
      sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
      location.reload();
    });
  }

  function restoreScroll() {
    const saved = sessionStorage.getItem(SCROLL_KEY);
    if (saved !== null) {
      sessionStorage.removeItem(SCROLL_KEY);
      window.scrollTo(0, Number(saved));
    }
  }

  // ------------------------------------------------------------ toolbar

  function element(tag, properties = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(properties)) {
      if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "lang") {
        node.setAttribute(key, value);
      } else {
        node[key] = value;
      }
    }
    node.append(...children);
    return node;
  }

  function link(href, text) {
    const current = location.pathname === href ? { "aria-current": "page" } : {};
    return element("a", { href, ...current }, text);
  }

  function toolbar() {
    const bar = element("div", { id: "preview-toolbar", role: "region", "aria-label": "Translator preview", lang: "en" });
    bar.append(element("strong", {}, "Preview: " + name + " (" + locale + ")"));
    if (kind === "brochure") {
      const toggle = element("button", { type: "button", id: "preview-translator-mode", "aria-pressed": "false" }, "Translator mode");
      toggle.addEventListener("click", () => setMode(toggle.getAttribute("aria-pressed") !== "true"));
      bar.append(toggle, element("span", { id: "preview-legend", hidden: true }));
    }
    bar.append(
      link("/" + locale + "/index.html", "Page"),
      link("/side-by-side", "Side by side"),
      link("/pages", "PDF pages"),
      link("/pdf", "PDF"),
    );
    if (note) {
      bar.append(element("span", { className: "preview-note" }, note));
    }
    document.body.append(bar);
  }

  // ------------------------------------------------------------ translator mode

  function panel() {
    const aside = element("aside", { id: "preview-panel", hidden: true, lang: "en", "aria-label": "Segment" });
    const list = element("dl");
    for (const [field, label] of [
      ["status", "Status"],
      ["where", "Catalog"],
      ["msgid", "Source (msgid)"],
      ["msgstr", "Translation (msgstr)"],
      ["comment", "Comment for translators"],
      ["terms", "Glossary"],
    ]) {
      list.append(element("dt", {}, label), element("dd", { "data-field": field }));
    }
    aside.append(list);
    document.body.append(aside);
    return aside;
  }

  async function loadSegments() {
    if (segments === null) {
      const response = await fetch("/segments.json", { cache: "no-store" });
      segments = response.ok ? await response.json() : {};
    }
    return segments;
  }

  async function setMode(on) {
    sessionStorage.setItem(MODE_KEY, on ? "on" : "off");
    document.getElementById("preview-translator-mode").setAttribute("aria-pressed", String(on));
    const data = on ? await loadSegments() : {};
    document.body.classList.toggle("preview-translator-mode", on);
    const counts = Object.fromEntries(STATUSES.map((status) => [status, 0]));
    for (const node of document.querySelectorAll("main [data-msg]")) {
      const info = data[node.dataset.msg];
      if (on && info) {
        node.dataset.previewStatus = info.status;
        node.tabIndex = 0;
        node.setAttribute("aria-describedby", "preview-panel");
        if (info.status in counts) counts[info.status] += 1;
      } else {
        delete node.dataset.previewStatus;
        node.removeAttribute("tabindex");
        node.removeAttribute("aria-describedby");
      }
    }
    const legend = document.getElementById("preview-legend");
    legend.replaceChildren(
      ...STATUSES.map((status) => element("span", { className: "preview-swatch", "data-preview-status": status }, counts[status] + " " + status)),
    );
    legend.hidden = !on;
    if (!on) document.getElementById("preview-panel").hidden = true;
  }

  function show(node) {
    const info = segments && segments[node.dataset.msg];
    if (!document.body.classList.contains("preview-translator-mode") || !info) return;
    const aside = document.getElementById("preview-panel");
    for (const field of aside.querySelectorAll("[data-field]")) {
      const key = field.dataset.field;
      // textContent, never innerHTML: translations are untrusted text.
      const value = Array.isArray(info[key]) ? info[key].join("; ") : info[key];
      field.textContent = key === "status" ? STATUS_TEXT[info.status] || info.status : value || "—";
    }
    aside.dataset.previewStatus = info.status;
    aside.hidden = false;
  }

  function followSegments() {
    const handler = (event) => {
      const node = event.target.closest && event.target.closest("main [data-msg]");
      if (node) show(node);
    };
    document.addEventListener("mouseover", handler);
    document.addEventListener("focusin", handler);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") document.getElementById("preview-panel").hidden = true;
    });
  }

  function start() {
    toolbar();
    if (kind === "brochure") {
      panel();
      followSegments();
      if (sessionStorage.getItem(MODE_KEY) === "on") setMode(true);
    }
    restoreScroll();
    listen();
  }

  start();
})();
