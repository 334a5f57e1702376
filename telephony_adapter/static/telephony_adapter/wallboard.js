// The wallboard refreshes itself without JavaScript (meta refresh); with it, the figures update in
// place every 5 seconds from the wallboard's JSON, without reloading the page.
(function () {
  "use strict";
  var board = document.querySelector(".wallboard[data-source]");
  if (!board || !window.fetch) { return; }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  function set(selector, value) {
    var node = board.querySelector(selector);
    if (node && value !== undefined) { node.textContent = value; }
  }
  function update() {
    fetch(board.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.operators).forEach(function (status) {
          set('[data-operators="' + status + '"]', String(data.operators[status]));
        });
        Object.keys(data.queues).forEach(function (city) {
          set('[data-queue="' + city + '"]', String(data.queues[city].waiting));
          set('[data-longest="' + city + '"]', data.queues[city].longest_wait_seconds + " s");
        });
        set('[data-field="hour-rate"]', data.hour.answer_rate);
        set('[data-field="now"]', new Date(data.now).toLocaleTimeString());
      })
      .catch(function () { /* the next round tries again */ });
  }
  window.setInterval(update, 5000);
}());
