// Category rows of the case form: "Add another category" copies the empty row (its __prefix__
// becomes the next index); "Remove" ticks the row's DELETE box and hides it, so what was typed in
// the other rows stays and the server drops the removed row. Without JavaScript the DELETE boxes
// show instead. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("[data-formset-delete]").forEach(function (box) { box.hidden = true; });
    root.querySelectorAll("[data-formset-remove], [data-formset-add]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function add(button) {
    var box = document.getElementById(button.getAttribute("data-formset-add"));
    var prefix = box.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) {
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = box.querySelector("template[data-formset-empty]").innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-formset-row]");
    box.querySelector("[data-formset-rows]").appendChild(row);
    total.value = String(index + 1);
    enhance(row);
    if (window.htmx) {
      window.htmx.process(row);
    }
    var first = row.querySelector("select, input:not([type=hidden])");
    if (first) {
      first.focus();
    }
  }

  function remove(button) {
    var row = button.closest("[data-formset-row]");
    var tick = row.querySelector("input[type=checkbox][name$='-DELETE']");
    if (tick) {
      tick.checked = true;
    }
    row.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var adder = target && target.closest("[data-formset-add]");
    var remover = target && target.closest("[data-formset-remove]");
    if (adder) {
      add(adder);
    } else if (remover) {
      remove(remover);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
})();
