/* desk: the phone line simulator (templates/phone/simulator.html).

   Where the browser can speak (the Web Speech API), the "Read aloud" button appears and
   reads what the caller hears, each line in its own language (Japanese or English),
   slowly, as the phone line does. Progressive enhancement: without it the text is
   shown, the button stays hidden. No inline script, nothing stored in the browser. */
(function () {
  "use strict";

  const button = document.querySelector("[data-speak]");
  const lines = document.querySelectorAll(".phone-heard li");
  if (!button || !lines.length || !window.speechSynthesis ||
      !window.SpeechSynthesisUtterance) {
    return;
  }
  const voices = { ja: "ja-JP", en: "en-US" };
  button.hidden = false;
  button.addEventListener("click", function () {
    window.speechSynthesis.cancel();
    lines.forEach(function (line) {
      const utterance = new SpeechSynthesisUtterance(line.textContent.trim());
      utterance.lang = voices[line.lang] || "ja-JP";
      utterance.rate = 0.85;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
