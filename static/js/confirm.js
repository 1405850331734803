/*
 * Every page: a form marked <form data-confirm="Question?"> asks before it
 * is sent (removing an attachment, revoking an invitation, emailing teams).
 */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
