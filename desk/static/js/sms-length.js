/* The SMS length of a coordinator's note as it is typed (templates/staff/session_message.html).
   The same rule as desk/notify/segments.py: a text made only of the GSM 03.38 alphabet
   goes as GSM-7 (160 in one segment, 153 per segment once split; the extension
   characters take two), anything else as UCS-2 (70 / 67; a character outside the Basic
   Multilingual Plane takes two); a split never cuts a pair. The note is squashed to one
   line as the server does, and counted inside its frame (what comes before and after it
   in the SMS actually sent). Without JavaScript the page shows the count of the text
   last sent to the server. */
(function (root) {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";
  var LIMITS = {"GSM-7": [160, 153], "UCS-2": [70, 67]};

  function count(text) {
    var chars = Array.from(text);
    var gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0; });
    var encoding = gsm ? "GSM-7" : "UCS-2";
    var sizes = chars.map(function (c) {
      if (gsm) { return EXTENSION.indexOf(c) >= 0 ? 2 : 1; }
      return c.codePointAt(0) > 0xFFFF ? 2 : 1;
    });
    var units = sizes.reduce(function (a, b) { return a + b; }, 0);
    var single = LIMITS[encoding][0], part = LIMITS[encoding][1];
    if (units === 0) { return {encoding: encoding, units: 0, segments: 0}; }
    if (units <= single) { return {encoding: encoding, units: units, segments: 1}; }
    var segments = 1, filled = 0;
    sizes.forEach(function (size) {
      if (filled + size > part) { segments += 1; filled = 0; }
      filled += size;
    });
    return {encoding: encoding, units: units, segments: segments};
  }

  function squash(text) {
    return text.split(/\s+/).filter(function (word) { return word; }).join(" ");
  }

  function sms(before, note, after) {
    return count(before + squash(note) + after);
  }

  root.deskSms = {count: count, sms: sms};
  if (typeof document === "undefined") { return; }

  function attach(output) {
    var field = document.getElementById(output.dataset.smsLength);
    var fallback = output.dataset.fallback ? document.getElementById(output.dataset.fallback) : null;
    var label = output.querySelector(".sms-length__count");
    var warning = output.querySelector(".sms-length__warning");
    if (!field || !label || !warning) { return; }
    function update() {
      var note = field.value.trim() || (fallback ? fallback.value : "");
      var result = sms(output.dataset.before, note, output.dataset.after);
      label.textContent = output.dataset.text.replace("{units}", result.units)
        .replace("{segments}", result.segments);
      warning.hidden = result.segments <= 1;
    }
    field.addEventListener("input", update);
    if (fallback) { fallback.addEventListener("input", update); }
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sms-length]"), attach);
  });
}(typeof window !== "undefined" ? window : globalThis));
