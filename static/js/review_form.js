// The review form's helper: the household's monthly income and its number of members give the income per person
// (rounded to the đồng), which a button copies into the form's field. Amounts are read as digits, grouped or not
// ("6.000.000", "6000000"); the field itself reads "1,5 triệu" and the like on the server (common/amounts.py).
(function () {
  "use strict";
  const helper = document.querySelector("[data-income-helper]");
  if (!helper) return;
  const income = helper.querySelector("[data-helper-income]");
  const size = helper.querySelector("[data-helper-size]");
  const result = helper.querySelector("[data-helper-result]");
  const error = helper.querySelector("[data-helper-error]");
  const fill = helper.querySelector("[data-helper-fill]");
  const target = document.getElementById(fill.dataset.helperFill);
  const lang = document.documentElement.lang || "vi";
  const grouped = new Intl.NumberFormat(lang.startsWith("vi") ? "vi-VN" : "en-GB", { maximumFractionDigits: 0 });

  const perPerson = () => {
    const digits = income.value.trim();
    const members = Number(size.value);
    if (!/^\d{1,3}([., ]\d{3})*$|^\d+$/.test(digits) || !Number.isInteger(members) || members < 1) return null;
    return Math.round(Number(digits.replace(/[., ]/g, "")) / members);
  };
  const show = () => {
    const amount = perPerson();
    const typed = income.value.trim() !== "" && size.value !== "";
    result.textContent = amount === null ? "—" : `${grouped.format(amount)} đ`;
    error.hidden = amount !== null || !typed;
    fill.disabled = amount === null;
  };
  income.addEventListener("input", show);
  size.addEventListener("input", show);
  fill.addEventListener("click", () => {
    const amount = perPerson();
    if (amount === null || !target) return;
    target.value = grouped.format(amount);
    target.dispatchEvent(new Event("change", { bubbles: true }));
    target.focus();
  });
  helper.hidden = false;
  show();
})();

// The "None" box of telecom services and devices states that the household has none of them: ticking it unticks
// the others, ticking another unticks it (the server refuses both together: households/review_facts.py).
(function () {
  "use strict";
  for (const none of document.querySelectorAll('input[type="checkbox"][name^="fact_"][value="none"]')) {
    const boxes = document.querySelectorAll(`input[type="checkbox"][name="${none.name}"]`);
    for (const box of boxes) {
      box.addEventListener("change", () => {
        if (!box.checked) return;
        for (const other of boxes) {
          if (other !== box && (box === none || other === none)) other.checked = false;
        }
      });
    }
  }
})();
