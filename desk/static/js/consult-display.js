/* desk: the consultation desk's "now serving" screen (templates/consults/display.html).

   Every few seconds it asks the display's JSON (desk/consults/display_views.py) for the
   numbers and updates them in place; a number newly being served is announced through
   the page's aria-live region. When today's session changes (the next one opens, or the
   desk closes) the page is loaded again. Progressive enhancement: without this script
   the page shows the state it was loaded with. Numbers only: the JSON carries no names
   and no phone numbers. No inline script, nothing stored in the browser. */
(function () {
  "use strict";

  const root = document.querySelector(".consult-display");
  if (!root || !root.dataset.pollUrl || !window.fetch) {
    return;
  }
  const seconds = Math.max(5, parseInt(root.dataset.pollSeconds, 10) || 10);
  const live = root.querySelector("[data-live]");
  const sessionId = root.dataset.sessionId || "";
  const isOpen = root.dataset.isOpen || "";

  function field(name) {
    return root.querySelector('[data-field="' + name + '"]');
  }

  function numbersIn(name) {
    const list = field(name);
    return list ? Array.from(list.children, (item) => item.textContent.trim()) : [];
  }

  let serving = numbersIn("serving");

  function setList(name, numbers) {
    const list = field(name);
    if (!list) {
      return;
    }
    list.replaceChildren(...numbers.map((number) => {
      const item = document.createElement("li");
      item.textContent = String(number);
      return item;
    }));
    const empty = root.querySelector('[data-empty-for="' + name + '"]');
    if (empty) {
      empty.hidden = numbers.length > 0;
    }
  }

  function setText(name, value) {
    const element = field(name);
    if (element) {
      element.textContent = String(value);
    }
  }

  function announce(numbers) {
    if (!live || !numbers.length || !root.dataset.announce) {
      return;
    }
    live.textContent = numbers.map(
      (number) => root.dataset.announce.replace("{number}", number)).join(" ");
  }

  function apply(data) {
    const current = data.session_id === null ? "" : String(data.session_id);
    const opened = data.is_open ? "1" : "";
    if (current !== sessionId || (current && opened !== isOpen)) {
      window.location.reload();
      return;
    }
    if (!current) {
      return;
    }
    const shown = data.serving.map(String);
    const fresh = shown.filter((number) => !serving.includes(number));
    setList("serving", shown);
    setList("next", data.next.map(String));
    setText("waiting", data.waiting);
    const wait = data.wait_minutes || 0;
    setText("wait", wait);
    root.querySelectorAll("[data-wait]").forEach((element) => {
      element.hidden = (element.dataset.wait === "minutes") !== (wait > 0);
    });
    setText("updated", data.updated);
    serving = shown;
    announce(fresh);
  }

  function poll() {
    fetch(root.dataset.pollUrl, {headers: {Accept: "application/json"}, cache: "no-store",
                                 credentials: "same-origin"})
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then(apply)
      .catch(() => { /* keep the last numbers on the screen; try again next time */ })
      .finally(() => { window.setTimeout(poll, seconds * 1000); });
  }

  window.setTimeout(poll, seconds * 1000);
}());
