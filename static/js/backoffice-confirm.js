/*
 * Back office: show the reason field only when it is needed (confirmations
 * are asked by confirm.js, on every page).
 *
 * Markup: a radio group named "decision" with a sibling field "reason"
 * (hidden unless "inadmissible" is chosen).
 */
(function () {
  "use strict";
  document.querySelectorAll("form[data-reason-toggle]").forEach(function (form) {
    var reason = form.querySelector("[name=reason]");
    if (!reason) {
      return;
    }
    var wrapper = reason.closest(".field") || reason.parentNode;
    function update() {
      var chosen = form.querySelector("[name=decision]:checked");
      wrapper.hidden = !(chosen && chosen.value === "inadmissible") && !reason.value;
    }
    form.querySelectorAll("[name=decision]").forEach(function (input) {
      input.addEventListener("change", update);
    });
    update();
  });
})();
