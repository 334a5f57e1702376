/*
 * The error summary's links (WCAG 3.3.1): a link to "#id_email" only scrolls in most browsers;
 * this moves the focus into the field as well, with its label in view. Without JavaScript the
 * links still scroll to the field; the summary itself takes the focus by `autofocus`.
 */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  if (document.activeElement !== summary && !window.location.hash) { summary.focus(); }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}());
