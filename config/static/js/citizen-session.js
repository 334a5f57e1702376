/*
 * The citizen's session warning (WCAG 2.2.1 Timing Adjustable), on top of what works without
 * JavaScript: every page of a logged-in citizen says when the session ends and has an "extend"
 * button (a plain POST form, #session-status). This script opens the #session-dialog modal
 * `data-warning-seconds` before the end; "extend" then asks the server in the background, so
 * nothing typed on the page is lost. Served as a static file: the CSP allows no inline script.
 */
(function () {
  "use strict";

  var status = document.getElementById("session-status");
  var dialog = document.getElementById("session-dialog");
  if (!status || !dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return; // the plain form still works
  }
  var form = status.querySelector("form[data-session-extend]");
  var statusText = status.querySelector("[data-session-text]");
  var title = document.getElementById("session-dialog-title");
  var text = document.getElementById("session-dialog-text");
  var left = dialog.querySelector("[data-session-left]");
  var extendButton = dialog.querySelector("[data-session-extend-button]");
  var closeButton = dialog.querySelector("[data-session-close]");
  var warningSeconds = Number(status.getAttribute("data-warning-seconds")) || 120;
  var statusUrl = status.getAttribute("data-status-url");
  var warningText = text.textContent;
  var deadline = 0;
  var warnTimer = null;
  var tickTimer = null;
  var opener = null;

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function schedule(seconds) {
    deadline = Date.now() + seconds * 1000;
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(checkBeforeWarning, Math.max(0, (seconds - warningSeconds) * 1000));
  }

  function showLeft() {
    var seconds = secondsLeft();
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    left.textContent = left.getAttribute("data-template")
      .replace("{minutes}", String(minutes))
      .replace("{seconds}", (rest < 10 ? "0" : "") + rest);
    if (seconds === 0) {
      ended();
    }
  }

  function open() {
    title.textContent = title.getAttribute("data-title-warning");
    text.textContent = warningText;
    extendButton.hidden = false;
    left.hidden = false;
    showLeft();
    if (!dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
      extendButton.focus();
    }
    window.clearInterval(tickTimer);
    tickTimer = window.setInterval(showLeft, 1000);
  }

  function ended() {
    window.clearInterval(tickTimer);
    title.textContent = title.getAttribute("data-title-ended");
    text.textContent = text.getAttribute("data-text-ended");
    extendButton.hidden = true;
    left.hidden = true;
    if (!dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    }
    closeButton.focus();
  }

  function close() {
    window.clearInterval(tickTimer);
    if (dialog.open) {
      dialog.close();
    }
    if (opener && typeof opener.focus === "function") {
      opener.focus();
    }
  }

  // Closed without extending: say so again when the session has ended.
  function dismiss() {
    close();
    if (secondsLeft() > 0) {
      window.clearTimeout(warnTimer);
      warnTimer = window.setTimeout(ended, secondsLeft() * 1000);
    }
  }

  function update(answer) {
    if (answer.text) {
      statusText.textContent = answer.text;
    }
    schedule(answer.seconds_left);
  }

  // Another tab may have extended the session meanwhile: ask before warning.
  function checkBeforeWarning() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.seconds_left > warningSeconds + 5) {
          update(answer);
        } else {
          deadline = Date.now() + answer.seconds_left * 1000;
          if (answer.seconds_left > 0) { open(); } else { ended(); }
        }
      })
      .catch(open);
  }

  function extend() {
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        update(answer);
        close();
      })
      .catch(function () { form.submit(); }); // the plain way: post the form and come back
  }

  extendButton.addEventListener("click", extend);
  closeButton.addEventListener("click", dismiss);
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault(); // Escape: the same as the close button, focus back where it was
    dismiss();
  });
  schedule(Number(status.getAttribute("data-seconds-left")) || 0);
}());
