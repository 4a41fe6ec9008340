// Caseload report: changing the period type shows that type's periods at once.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-submit-on-change") && field.form) {
      var period = field.form.querySelector("[name=period]");
      if (period) { period.value = ""; }
      field.form.submit();
    }
  });
})();
