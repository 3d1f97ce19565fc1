// contractgen serve: makes the interview page live. Without this file every page still works by plain
// form posts; with it, each change posts the same form to the JSON endpoint, and the server's answer
// says which questions are shown, the errors next to each field, and the preview. No rule lives here.
"use strict";

(function () {
  const token = document.querySelector('meta[name="csrf-token"]');

  // "Start over" asks first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // The preview's document and layout menus apply at once.
  const controls = document.getElementById("preview-controls");
  if (controls) {
    controls.querySelector("button").hidden = true;
    for (const select of controls.querySelectorAll("select")) {
      select.addEventListener("change", () => controls.submit());
    }
  }

  const form = document.getElementById("interview");
  if (!form || !window.fetch || !token) return;
  form.querySelector(".js-hint").hidden = false;
  let sent = 0;

  form.addEventListener("change", (event) => {
    if (event.target.name) send();
  });
  document.documentElement.dataset.live = "ready"; // for a test driving the page: changes are now sent

  async function send() {
    const mine = ++sent;
    let response;
    try {
      response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "X-CSRF-Token": token.content },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
    } catch (error) {
      return; // the server went away; the buttons still post the page
    }
    if (!response.ok || mine !== sent) return; // a newer change is on its way
    apply(await response.json());
  }

  function apply(state) {
    const shown = new Set(state.shown);
    const fields = document.getElementById("block-fields");
    if (fields) fields.hidden = !state.present;
    for (const box of form.querySelectorAll("[data-path]")) {
      const visible = shown.has(box.dataset.path);
      box.hidden = !visible;
      for (const control of box.querySelectorAll("input, select, textarea")) {
        if (control.closest("[data-path]") === box) control.disabled = !visible;
      }
      const errors = state.errors[box.dataset.path] || [];
      box.classList.toggle("has-error", errors.length > 0);
      const list = box.querySelector(":scope > .errors");
      if (list) list.replaceChildren(...errors.map((text) => item(text)));
    }
    const summary = document.getElementById("errors");
    if (summary) {
      summary.hidden = state.error_count === 0;
      summary.textContent = state.error_text;
    }
    for (const [id, status] of Object.entries(state.nav)) {
      const entry = document.querySelector(`nav.sections li[data-block="${CSS.escape(id)}"]`);
      if (entry) entry.dataset.status = status;
    }
    preview(state.preview);
  }

  function preview(state) {
    const frame = document.getElementById("preview-frame");
    const missing = document.getElementById("preview-missing");
    if (!frame || !missing) return;
    frame.hidden = !state.ready;
    missing.hidden = state.ready;
    if (state.ready) {
      if (frame.getAttribute("src") !== state.src) frame.setAttribute("src", state.src);
      return;
    }
    missing.querySelector("ul").replaceChildren(...state.missing.map((line) => {
      const link = document.createElement("a");
      link.href = line.href;
      link.textContent = line.label;
      const entry = item(state.colon + line.text);
      entry.prepend(link);
      return entry;
    }));
    missing.querySelector(".more").textContent = state.more_text;
  }

  function item(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }
})();
