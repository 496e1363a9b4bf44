// Copy buttons: a <button data-copy="ID" data-status="ID" data-done="…"> copies the text of the field
// named by data-copy. The buttons are hidden in the markup and shown here, so a browser without
// script shows the field alone (select the text and copy it by hand).
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copy);
  var status = document.getElementById(button.dataset.status);
  if (!field) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    field.focus();
    field.select();
    var done = function () { if (status) { status.textContent = button.dataset.done; } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (document.execCommand("copy")) { done(); }
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
});
