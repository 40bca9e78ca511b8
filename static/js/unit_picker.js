// A search box over every long list of units (households/widgets.py UnitSelect: <select data-unit-picker>,
// options grouped by parent, each labelled with its path). Typing narrows the list, with or without
// diacritics ("bang thanh" finds "Xã Bằng Thành — Huyện Pác Nặm"), and the best match is chosen, so the select
// always shows what the form will send. Keyboard: type, ↓ goes to the list, Enter keeps the match and goes to
// the list (it does not send the form), Esc empties the box. Without scripts the grouped select works alone.
(function () {
  "use strict";

  // As households/search_words.py folds: lower case, no diacritics, đ → d ("Ð" from old TCVN3/VNI text too).
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[đð]/g, "d");

  let counter = 0;

  function enhance(select) {
    if (select.dataset.unitPickerReady || select.multiple) return;
    const options = Array.from(select.options);
    const units = options.filter((option) => option.value !== "").length;
    if (units < Number(select.dataset.searchFrom || 8)) return;
    select.dataset.unitPickerReady = "1";
    const id = select.id || `unit-picker-${++counter}`;

    // The tree as the server sent it: each option, the group it sits in, and the words it is found by
    // (its path and its group's path).
    const shells = new Map();
    const entries = options.map((option) => {
      const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement : null;
      if (group && !shells.has(group)) shells.set(group, group.cloneNode(false));
      return { option, group, empty: option.value === "", words: fold(`${option.text} ${group ? group.label : ""}`) };
    });

    const search = document.createElement("input");
    search.type = "search";
    search.id = `${id}_search`;
    search.className = "unit-picker-search";
    search.autocomplete = "off";
    search.spellcheck = false;
    search.setAttribute("enterkeyhint", "done");
    // Its own name says what it does; the field's label (which it describes) says which list it searches.
    // The name leaves the label out so that the label still names one control only.
    search.setAttribute("aria-label", select.dataset.searchLabel || "Search by name");
    search.placeholder = select.dataset.searchPlaceholder || "";
    search.setAttribute("aria-controls", id);
    const status = document.createElement("p");
    status.id = `${id}_matches`;
    status.className = "unit-picker-status";
    status.setAttribute("role", "status");
    const label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    if (label && !label.id) label.id = `${id}_label`;
    search.setAttribute("aria-describedby", [label ? label.id : "", status.id].join(" ").trim());
    const wrapper = document.createElement("div");
    wrapper.className = "unit-picker";
    wrapper.append(search, status);
    select.before(wrapper);

    function narrow() {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      const before = select.value;
      const kept = entries.filter((entry) => entry.empty || words.every((word) => entry.words.includes(word)));
      shells.forEach((shell) => shell.replaceChildren());
      const children = [];
      for (const entry of kept) {
        if (entry.group) {
          const shell = shells.get(entry.group);
          if (!shell.children.length) children.push(shell);
          shell.append(entry.option);
        } else {
          children.push(entry.option);
        }
      }
      select.replaceChildren(...children);
      const matches = kept.filter((entry) => !entry.empty);
      const stays = kept.some((entry) => entry.option.value === before && !entry.empty);
      if (stays || (!words.length && kept.some((entry) => entry.option.value === before))) {
        select.value = before;
      } else {
        select.value = matches.length ? matches[0].option.value : "";
      }
      if (select.value !== before) select.dispatchEvent(new Event("change", { bubbles: true }));
      if (!words.length) status.textContent = "";
      else if (matches.length) status.textContent = (select.dataset.matches || "{count}").replace("{count}", matches.length);
      else status.textContent = (select.dataset.noMatch || "{query}").replace("{query}", search.value.trim());
    }

    search.addEventListener("input", narrow);
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.isComposing)) {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Escape" && search.value) {
        event.preventDefault();
        event.stopPropagation();
        search.value = "";
        narrow();
      }
    });
  }

  const enhanceAll = (root) => root.querySelectorAll("select[data-unit-picker]").forEach(enhance);
  enhanceAll(document);
  // Forms added later (static/js/members.js) say so.
  document.addEventListener("povertyplan:added", (event) => enhanceAll(event.target));
})();
