// "Select all in this village" (templates/households/_review_choices.html): ticks or clears the households of
// one village only. Shown only where this script runs; without it each household is ticked by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach((label) => {
    const group = label.closest("[data-village]");
    const all = label.querySelector("input");
    const boxes = () => Array.from(group.querySelectorAll('input[type="checkbox"]:not([data-select-all-box])'));
    const sync = () => {
      const ticked = boxes().filter((box) => box.checked).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    };
    all.addEventListener("change", () => {
      boxes().forEach((box) => {
        box.checked = all.checked;
      });
      sync();
    });
    group.addEventListener("change", (event) => {
      if (event.target !== all) sync();
    });
    label.hidden = false;
    sync();
  });
})();
