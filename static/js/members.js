// The household form: add any number of members on the page, and fold a member whose "remove" box is ticked.
// A new member is a copy of the formset's empty form (<template id="member-template">) numbered with the
// management form's TOTAL_FORMS, which then counts it; removing ticks Django's DELETE box, undone by unticking.
(function () {
  "use strict";
  const form = document.querySelector("[data-members-form]");
  if (!form) return;
  const list = form.querySelector("[data-members]");
  const template = document.getElementById("member-template");
  const total = form.querySelector("input[name$='-TOTAL_FORMS']");
  const add = form.querySelector("[data-add-member]");

  const fold = (member) => {
    const remove = member.querySelector("input[name$='-DELETE']");
    member.classList.toggle("is-removed", Boolean(remove && remove.checked));
  };
  list.querySelectorAll("[data-member]").forEach(fold);
  list.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.endsWith("-DELETE")) fold(event.target.closest("[data-member]"));
  });

  add.hidden = false;
  add.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const member = list.lastElementChild;
    member.dispatchEvent(new CustomEvent("povertyplan:added", { bubbles: true }));
    member.querySelector("input:not([type=hidden]), select").focus();
  });
})();
