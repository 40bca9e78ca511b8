// Every page: the menu that folds on a phone, the calendar button beside a day typed dd/mm/yyyy, and the
// summary of a form's errors (focused when the page opens, each link putting the cursor in its field).
// Without scripts the pages work the same: the menu stays open and days are typed.
(function () {
  "use strict";
  const vietnamese = (document.documentElement.lang || "vi").startsWith("vi");

  // The menu (its CSS folds it only where scripts run: `@media (scripting: enabled)`).
  const toggle = document.querySelector("[data-menu-toggle]");
  if (toggle) {
    toggle.addEventListener("click", () => {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // Days: "01072025" (a phone's number pad has no "/") becomes 01/07/2025; the button opens the phone's
  // calendar through a hidden <input type="date">, which speaks ISO, whatever the phone's language.
  const pad = (n) => String(n).padStart(2, "0");
  const toIso = (text) => {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
    return match ? `${match[3]}-${pad(match[2])}-${pad(match[1])}` : "";
  };
  const calendarIcon =
    '<svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><rect x="2.5" y="4" width="15" height="13.5" rx="1.5" ' +
    'fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M2.5 8h15M6.5 2v4M13.5 2v4" stroke="currentColor" stroke-width="1.6"/></svg>';

  function enhanceDay(input) {
    if (input.dataset.dayReady) return;
    input.dataset.dayReady = "1";
    input.addEventListener("blur", () => {
      const digits = input.value.trim();
      if (/^\d{8}$/.test(digits)) input.value = `${digits.slice(0, 2)}/${digits.slice(2, 4)}/${digits.slice(4)}`;
    });
    const picker = document.createElement("input");
    picker.type = "date";
    if (picker.type !== "date" || typeof picker.showPicker !== "function") return;
    const wrapper = document.createElement("span");
    wrapper.className = "day";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    picker.className = "day-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "day-button secondary";
    button.innerHTML = calendarIcon;
    // Named by its purpose alone: it sits right after its field (and getByLabel finds the field only).
    const name = vietnamese ? "Chọn ngày trên lịch" : "Pick the day on a calendar";
    button.setAttribute("aria-label", name);
    picker.setAttribute("aria-label", name);
    wrapper.append(button, picker);
    button.addEventListener("click", () => {
      picker.value = toIso(input.value);
      try {
        picker.showPicker();
      } catch (error) {
        input.focus();
      }
    });
    picker.addEventListener("change", () => {
      const [year, month, day] = picker.value.split("-");
      if (!year) return;
      input.value = `${day}/${month}/${year}`;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }
  document.querySelectorAll("input[data-day]").forEach(enhanceDay);
  // Fields added later (a member added on the household form) ask for it.
  document.addEventListener("povertyplan:added", (event) => event.target.querySelectorAll("input[data-day]").forEach(enhanceDay));

  // The error summary: read first, and each link takes the cursor to its field, its label in sight.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (!link) return;
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      const control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      if (!control) return;
      event.preventDefault();
      const label = document.querySelector(`label[for="${control.id}"]`) || control.closest("fieldset");
      (label || control).scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
  }

  // Sign-out clears what the offline app kept on this phone (static/offline/store.js): a phone is often shared, and
  // the households must not stay for the next person. Changes not yet synced would be lost: the officer is asked.
  const signOut = document.querySelector("form[data-sign-out]");
  const OFFLINE_DB = "povertyplan-offline";
  if (signOut && window.indexedDB) {
    const unsent = async () => {
      if (indexedDB.databases && !(await indexedDB.databases()).some((db) => db.name === OFFLINE_DB)) return 0;
      return new Promise((resolve) => {
        const request = indexedDB.open(OFFLINE_DB);
        request.onerror = () => resolve(0);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("queue")) return resolve(0, db.close());
          const all = db.transaction("queue").objectStore("queue").getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result.filter((r) => !["applied", "resolved"].includes(r.state)).length);
          };
          all.onerror = () => resolve(0, db.close());
        };
      });
    };
    signOut.addEventListener("submit", async (event) => {
      event.preventDefault();
      const count = await unsent().catch(() => 0);
      if (count && !window.confirm(signOut.dataset.unsent.replace("{count}", count))) return;
      let left = false;
      const leave = () => left || ((left = true), signOut.submit());
      const request = indexedDB.deleteDatabase(OFFLINE_DB);
      request.onsuccess = request.onerror = leave;
      // Another tab holding the store open delays the deletion until it closes; the sign-out does not wait.
      request.onblocked = () => setTimeout(leave, 2000);
    });
  }
})();
