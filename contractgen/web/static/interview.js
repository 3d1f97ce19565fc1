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

  downloads();

  const form = document.getElementById("interview");
  if (!form || !window.fetch || !token) return;
  form.querySelector(".js-hint").hidden = false;

  // One post at a time, so the server reads the changes in the order they were made; a change made
  // while one is on its way is sent, with the whole form as it then stands, once the answer is in.
  let posting = false;
  let again = false;
  let submitter = null; // a button pressed while a post was on its way: pressed again after it

  form.addEventListener("change", (event) => {
    if (event.target.name) send();
  });
  form.addEventListener("submit", (event) => {
    if (!posting) return;
    event.preventDefault();
    submitter = event.submitter || form.querySelector("#save");
  });
  document.documentElement.dataset.live = "ready"; // for a test driving the page: changes are now sent

  function send() {
    if (posting) {
      again = true;
      return;
    }
    post();
  }

  async function post() {
    posting = true;
    again = false;
    let state = null;
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "X-CSRF-Token": token.content },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      if (response.ok) state = await response.json();
      else if (response.status === 410) say(form.dataset.gone);
    } catch (error) {
      // the server went away; the buttons still post the page
    }
    posting = false;
    if (again) return post(); // its answer would be out of date: the next one is shown
    if (state) apply(state);
    if (submitter) {
      const button = submitter;
      submitter = null;
      form.requestSubmit(button);
    }
  }

  function say(text) {
    const summary = document.getElementById("errors");
    summary.textContent = text;
    summary.hidden = false;
  }

  function apply(state) {
    const shown = new Set(state.shown);
    const fields = document.getElementById("block-fields");
    if (fields) fields.hidden = !state.present;
    for (const box of form.querySelectorAll("[data-path]")) {
      const visible = shown.has(box.dataset.path);
      box.hidden = !visible;
      // A control is enabled when shown and never disabled when hidden: one disabled under the cursor
      // lost what was typed in it (no change event, left out of every post). The server ignores the
      // values of questions the answers hide.
      for (const control of box.querySelectorAll("input, select, textarea")) {
        if (visible && control.closest("[data-path]") === box) control.disabled = false;
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

  // A download builds its files first (a PDF takes seconds, the whole set longer): the link says it is
  // busy until the file arrives. Without this script the link is a plain download.
  function downloads() {
    const status = document.getElementById("download-status");
    if (!status || !window.fetch) return;
    for (const link of document.querySelectorAll("a.download")) {
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        if (link.getAttribute("aria-busy") === "true") return;
        link.setAttribute("aria-busy", "true");
        status.textContent = status.dataset.busy;
        status.hidden = false;
        try {
          const response = await fetch(link.href, { credentials: "same-origin" });
          if (!response.ok) {
            window.location.assign(link.href); // the server's page says what is missing
            return;
          }
          save(await response.blob(), filename(response.headers.get("Content-Disposition")));
          status.hidden = true;
        } catch (error) {
          window.location.assign(link.href);
        } finally {
          link.removeAttribute("aria-busy");
        }
      });
    }
  }

  function filename(disposition) {
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
    return plain ? plain[1] : "download";
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function item(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }
})();
