/*
 * The offline app shell's script (/offline/app/, kept by the service worker): what this phone keeps (store.js),
 * and the offline forms, all with no network.
 *
 * Routes (the URL's hash, so the one cached page serves them all):
 *   #/                              the rounds on this phone, forms not finished, the queue's size
 *   #/round/<round>                 the round's households (downloaded and queued), searched without diacritics
 *   #/round/<round>/new             a new household           -> a "household_create" change
 *   #/round/<round>/household/<key> a household (server id, or the client_id of its queued creation)
 *                                                             -> "household_update" (or the queued creation, corrected)
 *   #/round/<round>/review/<key>    the household's review, classified on the phone by classify.js -> "review_save"
 *   #/queue/<client_id>             a queued change opened again in its form (the sync links refused changes here)
 *
 * Every save is queued at once (PovertyplanStore.enqueue) in the sync API's shape (README, "Offline sync"); every
 * keystroke saves the form in progress as a draft, which the form and the first page offer back. The words come
 * from the page's data attributes and the choices from the JSON the server wrote into the shell
 * (offline/form_tables.py), both in the page's language.
 */
(function () {
  "use strict";

  const list = document.getElementById("offline-downloads");
  const empty = document.getElementById("offline-empty");
  const state = document.getElementById("offline-state");
  const view = document.getElementById("offline-view");
  const words = document.getElementById("offline-words").dataset;
  const tables = JSON.parse(document.getElementById("offline-form-tables").textContent);
  const homeParts = [
    document.getElementById("offline-downloads-title").parentElement,
    document.getElementById("offline-drafts-section"),
    document.getElementById("offline-queue-count"),
  ];
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));

  const when = (iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  };

  // --- small helpers ----------------------------------------------------------------------------------------

  const show = (...nodes) => view.replaceChildren(...nodes.filter((node) => node));

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  /** Lower case, no diacritics, "đ" as "d": "Hoàng Văn Đức" is found by "hoang van duc". */
  function plain(text) {
    return String(text || "")
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  const newId = () =>
    globalThis.crypto && crypto.randomUUID
      ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
        );

  /** "17/05/1980" -> "1980-05-17"; null when it is no date. */
  function isoDate(text) {
    const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text || "");
    if (!match) return null;
    const [day, month, year] = [+match[1], +match[2], +match[3]];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
    return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }

  const dayMonthYear = (iso) => (iso ? iso.split("-").reverse().join("/") : "");

  /**
   * An amount typed as people type it, in whole đồng (common.amounts.parse_amount, the cases the form needs):
   * "1.500.000", "1500000", "1 500 000đ", "1,5 triệu", "1.5tr", "1500k", "800 nghìn", "1tr5", "1 triệu 200 nghìn".
   * null when it is none.
   */
  function parseAmount(text) {
    let cleaned = String(text || "").normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
    cleaned = cleaned.replace(/\s*(đồng|dong|vnđ|vnd|đ|₫)$/, "");
    if (!cleaned || cleaned.length > 40) return null;
    const units = { "triệu": 1000000, trieu: 1000000, tr: 1000000, "nghìn": 1000, nghin: 1000, "ngàn": 1000, ngan: 1000, k: 1000 };
    const match = /^(\d+(?:[., ]\d+)*)\s*(?:(triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k)(?:\s*(\d+)\s*(k|nghìn|nghin|ngàn|ngan)?)?)?$/.exec(cleaned);
    if (!match) return null;
    const [, digits, unit, rest, restUnit] = match;
    const separators = digits.match(/[., ]/g) || [];
    let whole;
    let fraction = "";
    if (!separators.length) whole = digits;
    else if (/^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$/.test(digits)) {
      if (separators.length === 1 && unit && separators[0] !== " ") return null; // "1.500k": ambiguous
      whole = digits.replace(/[., ]/g, "");
    } else if (separators.length === 1 && /[.,]/.test(separators[0]) && unit) {
      [whole, fraction] = digits.split(/[.,]/);
    } else return null;
    const multiplier = unit ? units[unit] : 1;
    const places = String(multiplier).length - 1;
    if (fraction.length > places) return null; // a part of a đồng
    let amount = Number(whole) * multiplier + (fraction ? Number(fraction.padEnd(places, "0")) : 0);
    if (rest !== undefined) {
      if (multiplier !== 1000000 || fraction) return null;
      if (restUnit) {
        if (rest.length > 3) return null;
        amount += Number(rest) * 1000;
      } else if (rest.length === 1) amount += Number(rest) * 100000;
      else if (rest.length === 3) amount += Number(rest) * 1000;
      else return null;
    }
    return Number.isSafeInteger(amount) ? amount : null;
  }

  const grouped = (amount) => String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".");

  // --- what the phone holds ---------------------------------------------------------------------------------

  async function roundData(roundId) {
    const download = (await PovertyplanStore.downloads()).find((d) => d.round.id === roundId);
    if (!download) return null;
    const villages = new Map(download.villages.map((v) => [v.id, v]));
    const queue = await PovertyplanStore.queue();
    const households = new Map();
    for (const household of await PovertyplanStore.households(roundId)) {
      households.set(String(household.id), { key: String(household.id), server: household, household: fromServer(household) });
    }
    for (const change of queue) {
      if (change.kind === "household_create" && villages.has(change.household.village)) {
        households.set(change.client_id, { key: change.client_id, change, household: change.household, unsynced: true });
      } else if (change.kind === "household_update" && households.has(String(change.household.id))) {
        const entry = households.get(String(change.household.id));
        entry.change = change;
        entry.household = { ...entry.household, ...change.household };
        entry.unsynced = true;
      }
    }
    const reviews = new Map();
    for (const change of queue) {
      if (change.kind === "review_save" && change.review.round === roundId) reviews.set(String(change.review.household), change);
    }
    return { download, villages, households, reviews, queue };
  }

  /** A downloaded household in the sync's shape (the member fields from the facts the download carries). */
  function fromServer(household) {
    return {
      id: household.id,
      village: household.village,
      code: household.code,
      address: household.address,
      members: household.members.map((member) => ({
        id: member.id,
        full_name: member.full_name,
        sex: member.sex,
        date_of_birth: member.date_of_birth,
        relation: member.relation,
        in_school: member.facts.in_school,
        at_age_appropriate_level: member.facts.at_age_appropriate_level,
        education: member.facts.education || "",
        has_health_insurance: member.facts.health_insurance,
        employment: member.facts.employment || "",
        disability: member.facts.disability || "none",
        receives_social_allowance: Boolean(member.facts.social_allowance),
        sick_untreated: Boolean(member.facts.sick_untreated),
        malnourished: Boolean(member.facts.malnourished),
      })),
    };
  }

  const headName = (household) => {
    const head = (household.members || []).find((m) => m.relation === "head");
    return head ? head.full_name : household.head_name || "";
  };

  // --- the first page ---------------------------------------------------------------------------------------

  async function showHome() {
    const downloads = window.idb ? await PovertyplanStore.downloads() : [];
    empty.hidden = downloads.length > 0;
    list.replaceChildren(
      ...downloads.map((download) => {
        const item = document.createElement("li");
        item.dataset.round = download.round.id;
        item.append(
          format(list.dataset.summary, {
            round: `${download.round.commune.name} ${download.round.year}`,
            households: download.counts.households,
            members: download.counts.members,
            villages: download.counts.villages,
            when: when(download.downloaded_at),
          }),
          " ",
          el("a", { href: `#/round/${download.round.id}`, class: "button", text: words.openRound }),
        );
        return item;
      }),
    );
    if (!window.idb) return;
    const drafts = await PovertyplanStore.drafts();
    const draftList = document.getElementById("offline-drafts");
    document.getElementById("offline-drafts-section").hidden = drafts.length === 0;
    draftList.replaceChildren(
      ...drafts.map((draft) =>
        el(
          "li",
          { "data-draft": draft.key },
          el("a", { href: draft.key, text: format(words.continue, { what: draft.title || draft.key }) }),
          " ",
          el("button", {
            type: "button",
            class: "secondary",
            text: words.discard,
            onclick: async () => {
              await PovertyplanStore.dropDraft(draft.key);
              showHome();
            },
          }),
        ),
      ),
    );
    const count = document.getElementById("offline-queue-count");
    const pending = (await PovertyplanStore.queue()).filter((c) => c.state !== "applied" && c.state !== "resolved").length;
    count.textContent = pending ? format(count.dataset.text, { count: pending }) : "";
  }

  // --- the household list -----------------------------------------------------------------------------------

  async function showRound(roundId) {
    const data = await roundData(roundId);
    if (!data) return notFound();
    const { download, villages, households, reviews } = data;
    const search = el("input", { type: "search", id: "offline-search", autocomplete: "off" });
    const items = el("ul", { class: "households", id: "offline-households" });
    const none = el("p", { text: words.noMatch, hidden: true });
    const entries = [...households.values()].sort((a, b) => String(a.household.code).localeCompare(String(b.household.code)));
    const render = () => {
      const wanted = plain(search.value).trim();
      const shown = entries.filter((entry) => {
        const village = villages.get(entry.household.village);
        return !wanted || plain(`${entry.household.code} ${headName(entry.household)} ${village ? village.name : ""}`).includes(wanted);
      });
      none.hidden = shown.length > 0;
      items.replaceChildren(
        ...shown.map((entry) => {
          const village = villages.get(entry.household.village);
          return el(
            "li",
            { "data-household": entry.key },
            el(
              "a",
              { href: `#/round/${roundId}/household/${entry.key}` },
              el("strong", { text: entry.household.code }),
              el("span", { text: headName(entry.household) }),
              el("span", { text: village ? village.name : "" }),
              entry.unsynced ? el("span", { class: "unsynced", text: words.unsynced }) : null,
            ),
            el("a", { href: `#/round/${roundId}/review/${entry.key}`, class: "button secondary", text: words.review }),
            reviews.has(entry.key) ? el("span", { class: "unsynced", text: words.reviewed }) : null,
          );
        }),
      );
    };
    search.addEventListener("input", render);
    render();
    show(
      el("p", {}, el("a", { href: "#/", text: words.home })),
      el("h2", { text: format(words.households, { round: `${download.round.commune.name} ${download.round.year}` }) }),
      el("p", {}, el("a", { href: `#/round/${roundId}/new`, class: "button primary", text: words.newHousehold })),
      el("div", { class: "field" }, el("label", { for: "offline-search", text: words.search }), search),
      none,
      items,
    );
  }

  // --- form controls ----------------------------------------------------------------------------------------

  function control(id, field, value) {
    if (field.kind === "choice") {
      const select = el("select", { id, name: field.name }, el("option", { value: "", text: "—" }));
      for (const [choice, label] of field.choices) select.append(el("option", { value: choice, text: label }));
      select.value = value || "";
      return select;
    }
    if (field.kind === "nullboolean") {
      const select = el(
        "select",
        { id, name: field.name },
        el("option", { value: "", text: words.unknown }),
        el("option", { value: "true", text: words.yes }),
        el("option", { value: "false", text: words.no }),
      );
      select.value = value === true ? "true" : value === false ? "false" : "";
      return select;
    }
    if (field.kind === "date") {
      return el("input", { id, name: field.name, inputmode: "numeric", placeholder: words.dateHint, value: value || "", autocomplete: "off" });
    }
    if (field.kind === "decimal") {
      return el("input", { id, name: field.name, inputmode: "decimal", value: value || "", autocomplete: "off" });
    }
    return el("input", { id, name: field.name, value: value || "", autocomplete: "off" });
  }

  function labelled(id, label, input, hint) {
    if (input.type === "checkbox") return el("div", { class: "field" }, el("label", { class: "check", for: id }, input, label));
    return el(
      "div",
      { class: "field" },
      el("label", { for: id, text: label }),
      hint ? el("small", { id: `${id}-hint`, text: hint }) : null,
      input,
      el("p", { class: "error", id: `${id}-error`, hidden: true }),
    );
  }

  function readControl(node, kind) {
    if (kind === "boolean") return node.checked;
    if (kind === "nullboolean") return node.value === "true" ? true : node.value === "false" ? false : null;
    return node.value;
  }

  function showError(form, id, message) {
    const box = form.querySelector(`#${id}-error`);
    const input = form.querySelector(`#${id}`);
    if (box) {
      box.textContent = message || "";
      box.hidden = !message;
    }
    if (input) {
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", `${id}-error`);
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
  }

  // --- drafts -----------------------------------------------------------------------------------------------

  let draftWrites = Promise.resolve();
  function autosave(key, title, read) {
    // In order, one after the other: the last keystroke is the one kept.
    return () => {
      const data = read();
      draftWrites = draftWrites.then(() => PovertyplanStore.saveDraft({ key, title, data })).catch(() => {});
    };
  }

  // --- the household form -----------------------------------------------------------------------------------

  function memberFieldset(form, index, member, onChange) {
    const fieldset = el("fieldset", { class: "member", "data-member-id": member.id || "" });
    const legend = el("legend");
    fieldset.append(legend);
    for (const field of tables.member_fields) {
      const id = `m${index}-${field.name}`;
      let value = member[field.name];
      if (field.kind === "date") value = dayMonthYear(value) || member.date_typed || "";
      let input;
      if (field.kind === "boolean") {
        input = el("input", { type: "checkbox", id, name: field.name });
        input.checked = Boolean(value);
      } else {
        input = control(id, field, field.name === "disability" ? value || "none" : value);
      }
      input.dataset.field = field.name;
      fieldset.append(labelled(id, field.label, input));
    }
    fieldset.append(
      el("button", {
        type: "button",
        class: "secondary remove-member",
        text: words.removeMember,
        onclick: () => {
          fieldset.remove();
          numberMembers(form);
          onChange();
        },
      }),
    );
    return fieldset;
  }

  function numberMembers(form) {
    form.querySelectorAll("fieldset.member").forEach((fieldset, n) => {
      fieldset.querySelector("legend").textContent = format(words.member, { number: n + 1 });
    });
  }

  function readMembers(form) {
    return [...form.querySelectorAll("fieldset.member")].map((fieldset) => {
      const member = {};
      if (fieldset.dataset.memberId) member.id = Number(fieldset.dataset.memberId);
      for (const field of tables.member_fields) {
        const node = fieldset.querySelector(`[data-field="${field.name}"]`);
        member[field.name] = readControl(node, field.kind);
      }
      return member;
    });
  }

  /** The household form. ``entry`` is what is edited (none for a new one), ``editing`` a queued change corrected in place. */
  async function showHousehold(roundId, key, editing) {
    const data = await roundData(roundId);
    if (!data) return notFound();
    const entry = key ? data.households.get(key) : null;
    if (key && !entry) return notFound();
    const route = editing ? `#/queue/${editing.client_id}` : key ? `#/round/${roundId}/household/${key}` : `#/round/${roundId}/new`;
    const draft = await PovertyplanStore.draft(route);
    const start = draft ? draft.data : entry ? entry.household : { village: data.download.villages[0].id, code: "", address: "", members: [] };
    const title = entry ? format(words.editHousehold, { code: entry.household.code }) : words.newHousehold;

    const form = el("form", { id: "offline-household-form", novalidate: true });
    const village = el("select", { id: "h-village", name: "village" });
    for (const v of data.download.villages) village.append(el("option", { value: v.id, text: v.name }));
    village.value = String(start.village);
    const code = el("input", { id: "h-code", name: "code", value: start.code || "", autocomplete: "off" });
    const address = el("input", { id: "h-address", name: "address", value: start.address || "", autocomplete: "off" });
    const members = el("div", { id: "offline-members" });
    const read = () => ({
      village: Number(village.value),
      code: code.value,
      address: address.value,
      members: readMembers(form).map((m) => ({ ...m, date_typed: m.date_of_birth, date_of_birth: isoDate(m.date_of_birth) })),
    });
    const save = autosave(route, title, read);
    let count = 0;
    const addMember = (member) => {
      members.append(memberFieldset(form, count++, member, save));
      numberMembers(form);
    };
    form.append(
      labelled("h-village", words.village, village),
      labelled("h-code", words.code, code),
      labelled("h-address", words.address, address),
      el("h3", { text: words.members }),
      members,
      el("p", {}, el("button", { type: "button", class: "secondary", id: "offline-add-member", text: words.addMember, onclick: () => { addMember({ relation: count ? "" : "head" }); save(); } })),
      el("p", { class: "error", id: "h-form-error", hidden: true }),
      el("button", { type: "submit", text: words.saveHousehold }),
    );
    for (const member of start.members) addMember(member);
    if (!start.members.length) addMember({ relation: "head" });
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await draftWrites; // the last keystroke's draft written before the save drops it
      const household = check(form, read());
      if (!household) return;
      let record;
      if (editing || (entry && entry.change && entry.change.state !== "applied")) {
        // A queued change not yet applied is corrected where it is: the same client_id, sent (again) once.
        const change = editing || entry.change;
        const merged = { ...change.household, ...household };
        record = { ...change, household: merged, state: "pending", corrected_at: new Date().toISOString() };
        await PovertyplanStore.putQueued(record);
        await PovertyplanStore.dropDraft(route);
      } else if (entry) {
        record = await PovertyplanStore.enqueue(
          { client_id: newId(), kind: "household_update", base_version: entry.server.version, household: { ...household, id: entry.server.id } },
          route,
        );
      } else {
        record = await PovertyplanStore.enqueue(
          { client_id: newId(), kind: "household_create", base_version: null, household: { ...household, status: "active" } },
          route,
        );
      }
      go(`#/round/${roundId}/household/${record.kind === "household_create" ? record.client_id : record.household.id}`);
      flash(words.saved);
    });
    show(
      el("p", {}, el("a", { href: `#/round/${roundId}`, text: words.back })),
      el("h2", { text: title }),
      editing && editing.state !== "pending" ? el("p", { class: "error", text: words.correcting }) : null,
      draft ? el("p", { role: "status", id: "offline-restored", text: words.restored }) : null,
      entry ? el("p", {}, el("a", { href: `#/round/${roundId}/review/${key}`, class: "button secondary", text: words.review })) : null,
      form,
    );
  }

  /** The household in the sync's shape, or null with the errors shown next to their fields. */
  function check(form, typed) {
    form.querySelectorAll(".error").forEach((box) => (box.hidden = true));
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    let ok = true;
    if (!typed.code.trim()) {
      showError(form, "h-code", format(words.required, { fields: words.code }));
      ok = false;
    }
    // A member's controls keep the ids they were made with (a removed member leaves a gap): find them by place.
    const fieldsets = [...form.querySelectorAll("fieldset.member")];
    const idOf = (index, name) => fieldsets[index].querySelector(`[data-field="${name}"]`).id;
    const members = typed.members.map((member, index) => {
      const { date_typed: _typed, ...fields } = member;
      for (const name of ["full_name", "sex", "relation"]) {
        if (!String(fields[name] || "").trim()) {
          const label = tables.member_fields.find((f) => f.name === name).label;
          showError(form, idOf(index, name), format(words.required, { fields: label }));
          ok = false;
        }
      }
      if (!fields.date_of_birth) {
        showError(form, idOf(index, "date_of_birth"), words.badDate);
        ok = false;
      }
      fields.full_name = fields.full_name.trim();
      if (!fields.id) delete fields.id;
      return fields;
    });
    if (members.filter((m) => m.relation === "head").length !== 1) {
      const box = form.querySelector("#h-form-error");
      box.textContent = words.oneHead;
      box.hidden = false;
      ok = false;
    }
    if (!ok) {
      const first = form.querySelector("[aria-invalid], #h-form-error:not([hidden])");
      if (first) first.focus();
      return null;
    }
    return { village: typed.village, code: typed.code.trim(), address: typed.address.trim(), members };
  }

  // --- the review form --------------------------------------------------------------------------------------

  function memberFacts(member) {
    return {
      birth_date: member.date_of_birth,
      name: member.full_name,
      in_school: member.in_school,
      at_age_appropriate_level: member.at_age_appropriate_level,
      education: member.education || null,
      health_insurance: member.has_health_insurance,
      sick_untreated: Boolean(member.sick_untreated),
      employment: member.employment || null,
      disability: member.disability || "none",
      social_allowance: Boolean(member.receives_social_allowance),
      malnourished: Boolean(member.malnourished),
      sex: member.sex || null,
    };
  }

  function neededFacts(rules) {
    const needed = [];
    for (const indicator of rules.standard.indicators) {
      for (const name of tables.indicator_facts[indicator.code] || []) if (!needed.includes(name)) needed.push(name);
    }
    return needed;
  }

  async function showReview(roundId, key, editing) {
    const data = await roundData(roundId);
    if (!data) return notFound();
    const entry = data.households.get(key);
    if (!entry) return notFound();
    const { download } = data;
    const rules = download.rules;
    const existing = editing || data.reviews.get(key);
    const route = editing ? `#/queue/${editing.client_id}` : `#/round/${roundId}/review/${key}`;
    const draft = await PovertyplanStore.draft(route);
    const start = draft
      ? draft.data
      : existing
        ? { income: grouped(existing.review.income_per_capita), facts: existing.review.facts || {}, causes: existing.review.causes || [] }
        : { income: "", facts: {}, causes: [] };
    const title = format(words.reviewTitle, { code: entry.household.code });
    const needed = rules.standard.method === "income_only" ? [] : neededFacts(rules);

    const form = el("form", { id: "offline-review-form", novalidate: true });
    const income = el("input", { id: "r-income", name: "income", inputmode: "decimal", value: start.income, autocomplete: "off", "aria-describedby": "r-income-hint" });
    form.append(labelled("r-income", words.income, income, words.incomeHint));
    for (const name of needed) {
      const field = tables.facts[name];
      const id = `f-${name}`;
      if (field.kind === "multiple") {
        const group = el("fieldset", { id, "data-fact": name }, el("legend", { text: field.label }));
        const chosen = start.facts[name];
        const ticked = Array.isArray(chosen) ? (chosen.length ? chosen : [field.none[0]]) : [];
        for (const [value, label] of [...field.choices, field.none]) {
          const box = el("input", { type: "checkbox", id: `${id}-${value}`, name, value });
          box.checked = ticked.includes(value);
          group.append(el("label", { class: "check", for: `${id}-${value}` }, box, label));
        }
        group.append(el("p", { class: "error", id: `${id}-error`, hidden: true }));
        form.append(group);
      } else {
        const input = control(id, field, start.facts[name]);
        input.dataset.fact = name;
        form.append(labelled(id, field.label, input));
      }
    }
    const causes = el("fieldset", { id: "r-causes" }, el("legend", { text: words.causes }));
    for (const [value, label] of tables.causes) {
      const box = el("input", { type: "checkbox", id: `c-${value}`, name: "cause", value });
      box.checked = start.causes.includes(value);
      causes.append(el("label", { class: "check", for: `c-${value}` }, box, label));
    }
    form.append(causes);
    const outcome = el("section", { id: "offline-outcome", "aria-labelledby": "offline-outcome-title", "aria-live": "polite" });
    form.append(outcome, el("button", { type: "submit", text: words.saveReview }));

    const readFacts = () => {
      const facts = {};
      for (const name of needed) {
        const field = tables.facts[name];
        if (field.kind === "multiple") {
          const values = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
          if (values.includes(field.none[0])) facts[name] = values.length === 1 ? [] : values;
          else if (values.length) facts[name] = values;
        } else {
          const value = readControl(form.querySelector(`[data-fact="${name}"]`), field.kind);
          if (value !== null && value !== "") facts[name] = field.kind === "decimal" ? String(value).replace(",", ".") : value;
        }
      }
      return facts;
    };
    const read = () => ({
      income: income.value,
      facts: readFacts(),
      causes: [...form.querySelectorAll('input[name="cause"]:checked')].map((box) => box.value),
    });
    const village = data.villages.get(entry.household.village);
    const classify = () => {
      const typed = read();
      const amount = parseAmount(typed.income);
      showError(form, "r-income", typed.income.trim() && amount === null ? words.notAmount : "");
      const none = Object.entries(typed.facts).filter(([name, value]) => Array.isArray(value) && value.includes(tables.facts[name].none[0]));
      none.forEach(([name]) => showError(form, `f-${name}`, words.noneWithOthers));
      const heading = el("h3", { id: "offline-outcome-title", text: words.outcome });
      if (amount === null || none.length) return outcome.replaceChildren(heading), null;
      const facts = { ...typed.facts, members: entry.household.members.map(memberFacts) };
      let result;
      try {
        result = PovertyplanRules.reviewOutcome(rules, {
          incomeYear: download.round.income_year,
          isUrban: Boolean(village && village.is_urban),
          income: amount,
          facts,
          on: download.round.ages_on,
          mountainIsland: Boolean(download.round.commune.is_mountain_island),
        });
      } catch (error) {
        outcome.replaceChildren(heading, el("p", { class: "error", text: error.message }));
        return null;
      }
      if (result.missing && result.missing.length) {
        const names = result.missing.map(({ fact }) => {
          const member = /^members\[(\d+)\]\.(\w+)$/.exec(fact);
          if (!member) return tables.facts[fact] ? tables.facts[fact].label : fact;
          const field = tables.member_fields.find((f) => f.name === member[2] || f.name === `has_${member[2]}`);
          const who = entry.household.members[Number(member[1]) - 1];
          return `${who ? who.full_name : member[1]}: ${field ? field.label : member[2]}`;
        });
        outcome.replaceChildren(heading, el("p", { id: "offline-missing", text: format(words.missing, { facts: names.join(", ") }) }));
        return null;
      }
      outcome.replaceChildren(
        heading,
        el("p", { id: "offline-status", "data-status": result.status }, el("strong", { text: rules.texts.statuses[result.status] })),
        el("ul", { id: "offline-explanation" }, ...result.explanation.map((line) => el("li", { text: line }))),
      );
      return { amount, typed };
    };
    const save = autosave(route, title, read);
    form.addEventListener("input", () => {
      classify();
      save();
    });
    form.addEventListener("change", () => {
      classify();
      save();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await draftWrites;
      const typed = read();
      const amount = parseAmount(typed.income);
      if (amount === null) {
        showError(form, "r-income", words.notAmount);
        income.focus();
        return;
      }
      const review = { round: roundId, household: key, income_per_capita: amount, facts: typed.facts, causes: typed.causes };
      if (existing && existing.state !== "applied") {
        await PovertyplanStore.putQueued({ ...existing, review, state: "pending", corrected_at: new Date().toISOString() });
        await PovertyplanStore.dropDraft(route);
      } else {
        await PovertyplanStore.enqueue({ client_id: newId(), kind: "review_save", base_version: null, review }, route);
      }
      go(`#/round/${roundId}`);
      flash(words.saved);
    });
    show(
      el("p", {}, el("a", { href: `#/round/${roundId}/household/${key}`, text: title })),
      el("p", {}, el("a", { href: `#/round/${roundId}`, text: words.back })),
      el("h2", { text: title }),
      editing && editing.state !== "pending" ? el("p", { class: "error", text: words.correcting }) : null,
      draft ? el("p", { role: "status", id: "offline-restored", text: words.restored }) : null,
      form,
    );
    classify();
  }

  // --- routing ----------------------------------------------------------------------------------------------

  async function showQueued(clientId) {
    const change = await PovertyplanStore.queued(clientId);
    if (!change) return notFound();
    const downloads = await PovertyplanStore.downloads();
    if (change.kind === "review_save") return showReview(change.review.round, String(change.review.household), change);
    const village = change.household.village;
    const download = downloads.find((d) => d.villages.some((v) => v.id === village)) ||
      (await findRoundOf(downloads, change.household.id));
    if (!download) return notFound();
    const key = change.kind === "household_create" ? change.client_id : String(change.household.id);
    return showHousehold(download.round.id, key, change);
  }

  async function findRoundOf(downloads, householdId) {
    for (const download of downloads) {
      if ((await PovertyplanStore.households(download.round.id)).some((h) => h.id === householdId)) return download;
    }
    return null;
  }

  function notFound() {
    view.replaceChildren(el("p", { class: "error", text: words.notFound }), el("p", {}, el("a", { href: "#/", text: words.home })));
  }

  /** Show ``hash``: the same route again too (a saved form shows what was saved, and says so). */
  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  let message = "";
  function flash(text) {
    message = text;
  }

  async function route() {
    const hash = location.hash || "#/";
    const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean);
    const home = parts.length === 0;
    homeParts.forEach((part) => (part.hidden = !home));
    if (home) document.getElementById("offline-drafts-section").hidden = true;
    view.replaceChildren();
    if (!window.idb) return;
    if (home) await showHome();
    else if (parts[0] === "queue" && parts[1]) await showQueued(parts[1]);
    else if (parts[0] === "round" && parts[1]) {
      const roundId = Number(parts[1]);
      if (parts.length === 2) await showRound(roundId);
      else if (parts[2] === "new") await showHousehold(roundId, null, null);
      else if (parts[2] === "household" && parts[3]) await showHousehold(roundId, parts[3], null);
      else if (parts[2] === "review" && parts[3]) await showReview(roundId, parts[3], null);
      else notFound();
    } else notFound();
    if (message) {
      view.prepend(el("p", { role: "status", id: "offline-saved", text: message }));
      message = "";
    }
    view.dataset.route = hash;
  }

  function showState() {
    state.textContent = navigator.onLine ? "" : state.dataset.offline;
  }

  async function start() {
    showState();
    window.addEventListener("online", showState);
    window.addEventListener("offline", showState);
    window.addEventListener("hashchange", route);
    await route();
  }

  // For the tests and the sync: the amount reader, as the review form uses it.
  globalThis.PovertyplanForms = { parseAmount, plain, isoDate };
  start();
})();
