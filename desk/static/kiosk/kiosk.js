/* desk kiosk: one step at a time, the on-screen kana keyboard and number keys, the
   furigana switch, the idle reset, and no second booking on a double tap.

   Progressive enhancement: without this script every step is on the page at once and
   the form still books. Privacy: what people type stays in the form until the form is
   posted; it is never put into a URL, the history, a cookie or web storage, and the
   reset wipes the form before it replaces the page (location.replace: no new history
   entry). */
(function () {
  "use strict";

  const body = document.body;
  const root = document.documentElement;
  const form = document.querySelector(".kiosk-form");
  const resetUrl = body.dataset.resetUrl;
  const SLOW_MS = 20000;

  document.querySelectorAll("[data-js-only]").forEach((element) => { element.hidden = false; });

  // -- wiping and going back to the start ---------------------------------------------------

  function wipe() {
    document.querySelectorAll("form").forEach((each) => {
      each.reset();
      each.querySelectorAll("input, textarea").forEach((input) => {
        if (input.type === "hidden") {
          return;
        }
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = false;
          input.defaultChecked = false;
        } else {
          input.value = "";
          input.defaultValue = "";
        }
      });
    });
    document.querySelectorAll("[data-summary-of], [data-readback], [data-error-for]")
      .forEach((element) => { element.textContent = ""; });
    window.name = "";
    try {
      window.localStorage.clear();
      window.sessionStorage.clear();
    } catch (error) {
      // storage may be switched off; nothing is kept there anyway
    }
  }

  function goToStart() {
    wipe();
    if (resetUrl) {
      window.location.replace(resetUrl);
    }
  }

  document.querySelectorAll("[data-reset]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      goToStart();
    });
  });

  // a kiosk page reached with the back or forward button starts over
  window.addEventListener("pageshow", (event) => {
    const entry = performance.getEntriesByType("navigation")[0];
    if (resetUrl && (event.persisted || (entry && entry.type === "back_forward"))) {
      goToStart();
    }
  });

  // -- the furigana switch: a button instead of the link that works without JS -------------

  const furiganaLink = document.querySelector("[data-furigana-toggle]");
  if (furiganaLink) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = furiganaLink.className;
    button.dataset.furiganaToggle = "";
    button.textContent = furiganaLink.textContent;
    button.setAttribute("aria-pressed", furiganaLink.getAttribute("aria-pressed"));
    furiganaLink.replaceWith(button);
    button.addEventListener("click", () => {
      const on = !root.classList.contains("show-furigana");
      root.classList.toggle("show-furigana", on);
      button.setAttribute("aria-pressed", String(on));
      const field = document.querySelector("[data-furigana-field]");
      if (field) {
        field.value = on ? "1" : "";
      }
    });
  }

  // -- the number keys ----------------------------------------------------------------------

  function typeInto(input, change) {
    input.value = change(input.value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function fits(input, text) {
    return input.maxLength < 0 || text.length <= input.maxLength;
  }

  // a Japanese number in groups as it is typed (0466-25-1111, 090-1234-5678), by the
  // rules of desk.core.phone.grouping_rules (phonenumbers' metadata): the first rule
  // whose leading-digits pattern for this many digits matches; null when none does
  function groupPhone(value, rules) {
    const digits = value.replace(/[-\s]/g, "");
    if (!/^0\d{3,}$/.test(digits)) {
      return null;
    }
    const national = digits.slice(1);
    for (const rule of rules) {
      const leading = rule.leading[Math.min(national.length - 3, rule.leading.length - 1)];
      if (leading && !new RegExp(`^(?:${leading})`).test(national)) {
        continue;
      }
      const sizes = [...rule.pattern.matchAll(/\(\\d(?:\{(\d+)(?:,(\d+))?\})?\)/g)]
        .map((group) => [Number(group[1] || 1), Number(group[2] || group[1] || 1)]);
      if (national.length > sizes.reduce((sum, size) => sum + size[1], 0)) {
        continue;
      }
      const groups = [];
      let rest = national;
      sizes.forEach(([least], index) => {
        const size = index === sizes.length - 1 ? rest.length : least;
        if (rest) {
          groups.push(rest.slice(0, size));
          rest = rest.slice(size);
        }
      });
      return `0${groups.join("-")}`;
    }
    return null;
  }

  document.querySelectorAll("[data-keypad]").forEach((keypad) => {
    const input = document.getElementById(keypad.dataset.keypad);
    const readback = keypad.querySelector("[data-readback]");
    if (!input) {
      return;
    }
    const rules = keypad.dataset.phoneGrouping ? JSON.parse(keypad.dataset.phoneGrouping) : null;
    keypad.addEventListener("click", (event) => {
      const key = event.target.closest("button");
      if (!key) {
        return;
      }
      if (key.dataset.digit) {
        typeInto(input, (value) => (fits(input, value + key.dataset.digit) ? value + key.dataset.digit : value));
      } else if (key.dataset.keypadAction === "delete") {
        typeInto(input, (value) => value.slice(0, -1));
      } else if (key.dataset.keypadAction === "clear") {
        typeInto(input, () => "");
      }
    });
    input.addEventListener("input", () => {
      const grouped = rules && groupPhone(input.value, rules);
      if (grouped && grouped !== input.value && fits(input, grouped)) {
        input.value = grouped;
      }
      readback.textContent = input.value;
    });
  });

  // -- the kana keys ------------------------------------------------------------------------

  const PLAIN = "かきくけこさしすせそたちつてとはひふへほう";
  const VOICED = "がぎぐげござじずぜぞだぢづでどばびぶべぼゔ";
  const HALF_PLAIN = "はひふへほ";
  const HALF_VOICED = "ぱぴぷぺぽ";
  const LARGE = "あいうえおつやゆよわかけ";
  const SMALL = "ぁぃぅぇぉっゃゅょゎゕゖ";

  function swap(char, from, to) {
    const index = from.indexOf(char);
    return index >= 0 ? to[index] : null;
  }

  // hiragana and katakana lie 0x60 apart; the marks work on both
  function withHiragana(char, change) {
    const code = char.charCodeAt(0);
    const katakana = code >= 0x30a1 && code <= 0x30f6;
    const changed = change(katakana ? String.fromCharCode(code - 0x60) : char);
    if (!changed) {
      return char;
    }
    return katakana ? String.fromCharCode(changed.charCodeAt(0) + 0x60) : changed;
  }

  const MARKS = {
    dakuten: (char) => swap(char, PLAIN, VOICED) || swap(char, VOICED, PLAIN)
      || swap(char, HALF_VOICED, VOICED.slice(15, 20)),
    handakuten: (char) => swap(char, HALF_PLAIN, HALF_VOICED) || swap(char, HALF_VOICED, HALF_PLAIN)
      || swap(char, VOICED.slice(15, 20), HALF_VOICED),
    small: (char) => swap(char, LARGE, SMALL) || swap(char, SMALL, LARGE),
  };

  // the gojūon table's keys, from the page's compact list: columns apart by a space,
  // "_" a gap (desk.kiosk.forms.KANA_COLUMNS)
  function drawKanaKeys(table) {
    table.replaceChildren(...table.dataset.kanaColumns.split(" ").map((kanas) => {
      const column = document.createElement("div");
      column.className = "kana-keyboard__column";
      column.append(...[...kanas].map((kana) => {
        if (kana === "_") {
          const gap = document.createElement("span");
          gap.className = "kana-key kana-key--gap";
          return gap;
        }
        const key = document.createElement("button");
        key.type = "button";
        key.className = "kana-key";
        key.dataset.kana = kana;
        key.lang = "ja";
        key.textContent = kana;
        return key;
      }));
      return column;
    }));
  }

  const keyboard = document.querySelector("[data-kana-keyboard]");
  if (keyboard && form) {
    keyboard.querySelectorAll("[data-kana-columns]").forEach(drawKanaKeys);
    const targets = [...form.querySelectorAll("[data-kana-target]")];
    const targetLabel = keyboard.querySelector("[data-kana-target-label]");
    let target = form.querySelector("[data-kana-default]") || targets[0];

    const aim = (input) => {
      target = input;
      targets.forEach((each) => each.classList.toggle("is-target", each === input));
      // the label as it is, ruby and all: its readings show only with furigana on
      const label = form.querySelector(`label[for="${input.id}"]`);
      targetLabel.replaceChildren(...(label ? label.cloneNode(true).childNodes : []));
    };
    aim(target);
    targets.forEach((input) => input.addEventListener("focus", () => aim(input)));

    keyboard.addEventListener("click", (event) => {
      const key = event.target.closest("button");
      if (!key) {
        return;
      }
      const action = key.dataset.kanaAction;
      if (key.dataset.kana) {
        typeInto(target, (value) => (fits(target, value + key.dataset.kana) ? value + key.dataset.kana : value));
      } else if (action === "delete") {
        typeInto(target, (value) => value.slice(0, -1));
      } else if (action === "space") {
        typeInto(target, (value) => (value && fits(target, value + "\u3000") ? value + "\u3000" : value));
      } else if (action === "long") {
        typeInto(target, (value) => (value && fits(target, value + "ー") ? value + "ー" : value));
      } else if (MARKS[action]) {
        typeInto(target, (value) => (value ? value.slice(0, -1) + withHiragana(value.slice(-1), MARKS[action]) : value));
      }
    });
  }

  // -- the steps of the booking form --------------------------------------------------------

  let submitting = false;
  let idlePaused = false;

  if (form) {
    const steps = [...form.querySelectorAll("[data-step]")];
    const lastStep = Number(form.dataset.lastStep) || steps.length;
    let current = 1;
    let phoneReadback = "";

    const stepElement = (number) => steps.find((step) => Number(step.dataset.step) === number);

    const setSummary = (name, text) => {
      form.querySelectorAll(`[data-summary-of="${name}"]`).forEach((element) => {
        element.textContent = text;
      });
    };

    const fillSummary = () => {
      const chosen = form.querySelector('input[name="session_id"]:checked');
      setSummary("session_id", chosen ? chosen.dataset.summary : "");
      setSummary("name", form.elements.namedItem("name").value.trim());
      setSummary("name_kana", form.elements.namedItem("name_kana").value.trim());
      setSummary("phone", phoneReadback || form.elements.namedItem("phone").value.trim());
    };

    const finalNav = form.querySelector("[data-final-nav]");
    form.classList.add("is-stepped");

    const showStep = (number, focus) => {
      current = number;
      steps.forEach((step) => { step.hidden = Number(step.dataset.step) !== number; });
      finalNav.hidden = number !== lastStep;
      if (number === lastStep) {
        fillSummary();
      }
      window.scrollTo(0, 0);
      if (focus) {
        stepElement(number).querySelector(".kiosk-step__title").focus();
      }
    };

    const describedBy = (input, id, on) => {
      const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((each) => each && each !== id);
      if (on) {
        ids.push(id);
      }
      if (ids.length) {
        input.setAttribute("aria-describedby", ids.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    };

    // a message of the page's own (HTML with its furigana, from a <template>)
    const pageMessage = (name) => {
      const template = form.querySelector(`template[data-message="${name}"]`);
      return template ? template.innerHTML.trim() : "";
    };

    // `message` is HTML: escaped by the server, with furigana ruby in Japanese
    const setError = (paragraph, message) => {
      const name = paragraph.dataset.errorFor;
      paragraph.innerHTML = message || "";
      paragraph.hidden = !message;
      if (message) {
        paragraph.setAttribute("role", "alert");
      }
      const wrapper = paragraph.closest("[data-field]");
      if (wrapper) {
        wrapper.classList.toggle("kiosk-field--error", Boolean(message));
      }
      form.querySelectorAll(`[name="${name}"]`).forEach((input) => {
        if (message) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
        describedBy(input, paragraph.id, Boolean(message));
      });
    };

    const showErrors = (step, errors) => {
      let first = null;
      step.querySelectorAll("[data-error-for]").forEach((paragraph) => {
        const message = errors[paragraph.dataset.errorFor];
        setError(paragraph, message);
        if (message && !first) {
          first = form.querySelector(`[name="${paragraph.dataset.errorFor}"]`);
        }
      });
      if (first) {
        first.focus();
      }
      return first === null;
    };

    const stepError = (step, message) => {
      const paragraph = step.querySelector("[data-error-for]");
      setError(paragraph, message);
    };

    // ask the server whether this step's answers are usable (POST body only)
    const check = async (step) => {
      const data = new FormData();
      data.set("csrf_token", form.elements.namedItem("csrf_token").value);
      data.set("step", step.dataset.step);
      step.querySelectorAll("input[name]").forEach((input) => {
        if ((input.type !== "radio" && input.type !== "checkbox") || input.checked) {
          data.append(input.name, input.value);
        }
      });
      let response;
      try {
        response = await fetch(form.dataset.checkUrl, {
          method: "POST", body: data, credentials: "same-origin", cache: "no-store",
        });
      } catch (error) {
        stepError(step, pageMessage("network"));
        return false;
      }
      if (response.status === 400 || response.status === 403) {
        goToStart();  // the form expired or the kiosk was revoked
        return false;
      }
      if (!response.ok) {
        stepError(step, pageMessage("network"));
        return false;
      }
      const answer = await response.json();
      if (answer.phone) {
        phoneReadback = answer.phone;
        step.querySelectorAll("[data-readback]").forEach((element) => { element.textContent = answer.phone; });
        form.elements.namedItem("phone").value = answer.phone;
      }
      return showErrors(step, answer.errors || {});
    };

    let checking = false;
    const next = async () => {
      if (checking) {
        return;
      }
      checking = true;
      const step = stepElement(current);
      step.setAttribute("aria-busy", "true");
      try {
        if (await check(step)) {
          // the summary of a refused booking is about answers now checked again
          const summary = form.querySelector("[data-error-summary]");
          if (summary) {
            summary.hidden = true;
          }
          showStep(current + 1, true);
        }
      } finally {
        step.removeAttribute("aria-busy");
        checking = false;
      }
    };

    form.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-next], button[data-back], button[data-goto-step]");
      if (button && button.matches("[data-next]")) {
        next();
      } else if (button && button.matches("[data-back]")) {
        showStep(Math.max(current - 1, 1), true);
      } else if (button) {
        showStep(Number(button.dataset.gotoStep), true);
      }
      const link = event.target.closest("a[data-goto-field]");
      if (link) {
        event.preventDefault();
        const target = document.getElementById(link.hash.slice(1));
        const step = target && target.closest("[data-step]");
        if (step) {
          showStep(Number(step.dataset.step), false);
          target.focus();
        }
      }
    });

    // a phone number typed on the device's own keyboard changes the read-back
    form.elements.namedItem("phone").addEventListener("input", () => { phoneReadback = ""; });

    // Enter in a field moves on instead of sending the form early
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input:not([type=radio])") && current < lastStep) {
        event.preventDefault();
        next();
      }
    });

    const confirm = form.querySelector("[data-confirm]");
    const waiting = form.querySelector("[data-waiting]");
    const slow = form.querySelector("[data-slow]");
    form.addEventListener("submit", (event) => {
      if (submitting) {
        event.preventDefault();
        return;
      }
      if (current < lastStep) {
        event.preventDefault();
        next();
        return;
      }
      const consent = stepElement(lastStep).querySelector('[data-error-for="consent"]');
      if (consent && !form.querySelector('input[name="consent"]:checked')) {
        event.preventDefault();
        setError(consent, pageMessage("consent"));
        form.querySelector('input[name="consent"]').focus();
        return;
      }
      submitting = true;
      idlePaused = true;
      confirm.disabled = true;
      form.setAttribute("aria-busy", "true");
      body.classList.add("is-busy");
      waiting.hidden = false;
      // on a very slow network the button comes back; the same submission id makes a
      // second tap return the first booking, never a second one
      window.setTimeout(() => {
        body.classList.add("is-slow");
        slow.innerHTML = pageMessage("slow");
        slow.hidden = false;
        confirm.disabled = false;
        submitting = false;
      }, SLOW_MS);
    });

    showStep(Number(form.dataset.startStep) || 1, false);
    const summary = form.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // -- the idle reset -----------------------------------------------------------------------

  const dialog = document.querySelector("[data-idle-dialog]");
  if (resetUrl && dialog) {
    const idleMs = Number(body.dataset.idleSeconds) * 1000;
    const countdownMs = Number(body.dataset.countdownSeconds) * 1000;
    const refreshMs = Number(body.dataset.refreshSeconds) * 1000;
    const counter = dialog.querySelector("[data-countdown]");
    let last = Date.now();
    let touched = false;

    const activity = () => {
      last = Date.now();
      touched = true;
      if (dialog.open) {
        dialog.close();
      }
    };
    ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach((type) => {
      document.addEventListener(type, activity, { capture: true, passive: true });
    });
    dialog.querySelector("[data-continue]").addEventListener("click", activity);
    dialog.addEventListener("cancel", activity);

    const tick = () => {
      if (idlePaused) {
        return;
      }
      const elapsed = Date.now() - last;
      // an untouched start screen only reloads now and then (fresh seats, fresh form)
      if (body.dataset.pristine === "1" && !touched) {
        if (elapsed >= refreshMs) {
          goToStart();
        }
        return;
      }
      if (elapsed >= idleMs) {
        idlePaused = true;
        goToStart();
        return;
      }
      if (elapsed >= idleMs - countdownMs) {
        counter.textContent = String(Math.max(Math.ceil((idleMs - elapsed) / 1000), 0));
        if (!dialog.open) {
          dialog.showModal();
        }
      }
    };
    window.setInterval(tick, 250);
  }

  // -- printing the slip --------------------------------------------------------------------

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
}());
