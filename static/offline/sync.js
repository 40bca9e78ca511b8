/*
 * The sync ("Đồng bộ"): sends what the phone queued offline to POST /api/v1/offline/sync/ and keeps each answer on
 * its queued change (offline/templates/offline/_sync.html holds the button, the words and the fields' names).
 *
 * - The changes waiting (state "pending" or "corrected") go in the order they were saved, at most 200 a request
 *   (the server's MAX_CHANGES). A change is marked only when its answer came: a cut in the middle leaves the rest
 *   pending, and sending them again writes nothing twice (the server keeps each change's client_id).
 * - applied: kept as applied. refused: kept with the server's reason and a link to correct it (the queue's form,
 *   #/queue/<client_id>). conflict: both values shown field by field; the officer's choice becomes a new change on
 *   the server's version with resolves_conflict, queued and sent (the conflicting one is kept as "resolved").
 * - Safety: on start, what the phone keeps is removed when no sync has succeeded for the download's keep_days
 *   (OFFLINE_KEEP_DAYS); sign-out clears it too (static/js/app.js).
 *
 * The session's CSRF token is read from Django's csrftoken cookie (not HttpOnly); the shell, the same for everyone,
 * has none. Before sending, the script opens the "Offline work" page: it names the signed-in user (the changes go
 * only under the session of the user who downloaded) and sets the cookie.
 * Defines globalThis.PovertyplanSync.
 */
(function (root) {
  "use strict";

  const BATCH = 200;
  const WAITING = new Set(["pending", "corrected"]);
  const DAY = 24 * 60 * 60 * 1000;
  const Store = () => root.PovertyplanStore;

  const section = document.getElementById("offline-sync");
  const words = section ? section.dataset : {};
  const format = (template, values) =>
    String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  let labels = {};
  try {
    labels = JSON.parse(document.getElementById("offline-sync-labels").textContent);
  } catch (error) {
    labels = {};
  }

  // --- the queue: store.js's queue() and putQueued(record), or the store's "queue" object store directly ----------

  async function queued() {
    if (typeof Store().queue === "function") return Store().queue();
    const db = await Store().open();
    const found = await db.getAll("queue");
    db.close();
    return found;
  }

  async function put(record) {
    if (typeof Store().putQueued === "function") return Store().putQueued(record);
    const db = await Store().open();
    await db.put("queue", record);
    db.close();
  }

  async function putDownload(download) {
    const db = await Store().open();
    await db.put("downloads", download);
    db.close();
  }

  const order = (a, b) => String(a.saved_at || "").localeCompare(String(b.saved_at || ""));

  /** The change as the sync API reads it, without the phone's own fields (state, answer, saved_at). */
  function change(record) {
    const sent = { client_id: record.client_id, kind: record.kind };
    if (record.base_version !== undefined && record.base_version !== null) sent.base_version = record.base_version;
    if (record.resolves_conflict) sent.resolves_conflict = true;
    if (record.household) sent.household = record.household;
    if (record.review) sent.review = record.review;
    return sent;
  }

  // --- the CSRF token ---------------------------------------------------------------------------------------------

  function cookieToken() {
    const found = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith("csrftoken="));
    return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
  }

  /** The signed-in user, read from the "Offline work" page (a page about the user, never kept by the service worker;
   * opening it also sets the CSRF cookie). The shell names no one: a phone whose session is now someone else's
   * must not send the first user's changes as theirs. */
  async function sessionUser() {
    let response;
    try {
      response = await fetch(words.tokenUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch (error) {
      throw new Cut(words.cut);
    }
    if (response.status >= 500) throw new Cut(words.cut);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const app = page.getElementById("offline-app");
    if (!response.ok || !app) throw new Failed(words.signedOut);
    return Number(app.dataset.user);
  }

  async function checkedToken() {
    const user = await sessionUser();
    const owner = (await Store().downloads()).map((d) => d.user).find((u) => u.id !== user);
    if (owner) throw new Failed(format(words.otherUser, { name: owner.username }));
    return cookieToken();
  }

  // --- the sync ---------------------------------------------------------------------------------------------------

  class Cut extends Error {}
  class Failed extends Error {}

  async function post(changes, token) {
    let response;
    try {
      response = await fetch(words.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ changes }),
      });
    } catch (error) {
      throw new Cut(words.cut);
    }
    let body;
    try {
      body = await response.json();
    } catch (error) {
      // No JSON: an answer cut short, or a page of the network's (a 503 with no server behind it).
      throw new Cut(words.cut);
    }
    if (response.status === 401 || response.status === 403) throw new Failed(body.detail ? `${body.detail} ${words.signedOut}` : words.signedOut);
    if (!response.ok) throw new Failed(format(words.failed, { reason: body.detail || reasons(body).join(" ") }));
    return body.results;
  }

  /** What the server said of each answered change, kept on its record. */
  function answered(record, answer) {
    record.answer = answer;
    record.answered_at = new Date().toISOString();
    if (answer.outcome === "applied") record.state = "applied";
    else if (answer.outcome === "conflict") record.state = "conflict";
    // Changed on the server while it was applied, or saved at the same time as another: simply sent again.
    else if (answer.code === "retry" || answer.code === "conflict") record.state = "pending";
    else record.state = "refused";
    return record;
  }

  let running = null;

  /** Send every change waiting; resolves to the counts of the answers. Only one sync at a time. */
  function sync() {
    if (!running) running = run().finally(() => (running = null));
    return running;
  }

  async function run() {
    const button = document.getElementById("offline-sync-button");
    if (button) button.disabled = true;
    const counts = { applied: 0, refused: 0, conflicts: 0 };
    try {
      const waiting = (await queued()).filter((r) => WAITING.has(r.state)).sort(order);
      if (!waiting.length) {
        say(words.nothing);
        await markSynced();
        return counts;
      }
      const token = await checkedToken();
      for (let start = 0; start < waiting.length; start += BATCH) {
        say(format(words.sending, { done: start, count: waiting.length }));
        const batch = waiting.slice(start, start + BATCH);
        const results = await post(batch.map(change), token);
        const byId = new Map(batch.map((record) => [record.client_id, record]));
        const versions = new Map();
        for (const answer of results) {
          const record = byId.get(answer.client_id);
          if (!record) continue;
          await put(answered(record, answer));
          if (answer.outcome === "applied" && answer.household) versions.set(answer.household.id, answer.household.version);
          if (answer.outcome === "applied") counts.applied += 1;
          else if (answer.outcome === "conflict") counts.conflicts += 1;
          else counts.refused += 1;
        }
        await keepVersions(versions);
        await markSynced();
      }
      say(format(words.done, counts));
      return counts;
    } catch (error) {
      if (error instanceof Cut || error instanceof Failed) say(error.message);
      else throw error;
      return counts;
    } finally {
      await show();
      if (button) button.disabled = false;
    }
  }

  /** The phone's copies of the households the server just changed (id → version) take their new version: the
   * officer's next change of one is made on that version, not taken for a colleague's. */
  async function keepVersions(versions) {
    if (!versions.size) return;
    const db = await Store().open();
    try {
      const tx = db.transaction("households", "readwrite");
      let cursor = await tx.store.openCursor();
      while (cursor) {
        const version = versions.get(cursor.value.id);
        if (version !== undefined) await cursor.update({ ...cursor.value, version });
        cursor = await cursor.continue();
      }
      await tx.done;
    } finally {
      db.close();
    }
  }

  // --- keep_days ----------------------------------------------------------------------------------------------------

  /** A sync answered: the phone's data may stay keep_days more. */
  async function markSynced() {
    const now = new Date().toISOString();
    for (const download of await Store().downloads()) await putDownload({ ...download, synced_at: now });
  }

  /** Clear the phone's store when a download has gone longer than its keep_days without a sync. */
  async function expireOld(now = Date.now()) {
    const downloads = await Store().downloads();
    const old = downloads.find((d) => {
      const last = Math.max(Date.parse(d.downloaded_at) || 0, Date.parse(d.synced_at || "") || 0);
      return now - last > (d.keep_days || 14) * DAY;
    });
    if (!old) return false;
    await Store().clear();
    say(format(words.expired, { days: old.keep_days || 14 }));
    return true;
  }

  // --- showing the queue --------------------------------------------------------------------------------------------

  function say(text) {
    const status = document.getElementById("offline-sync-status");
    if (status) status.textContent = text;
  }

  /** The server's errors ({field: [messages]}, members nested by place) as sentences. */
  function reasons(errors, prefix = "") {
    if (!errors || typeof errors !== "object") return errors ? [String(errors)] : [];
    if (Array.isArray(errors)) return errors.flatMap((e) => reasons(e, prefix));
    return Object.entries(errors).flatMap(([name, value]) => {
      const label = name === "non_field_errors" || name === "detail" ? "" : labels[name] || name;
      const here = /^\d+$/.test(name) ? `${prefix}#${Number(name) + 1} ` : label ? `${prefix}${label}: ` : prefix;
      return typeof value === "string" ? [`${here}${value}`] : reasons(value, here);
    });
  }

  function shown(value, field) {
    if (value === null || value === undefined || value === "") return words.none;
    if (value === true) return words.yes;
    if (value === false) return words.no;
    if (field === "causes" && Array.isArray(value)) value = value.map((code) => labels[`cause.${code}`] || code);
    if (Array.isArray(value)) return value.length ? value.join(", ") : words.none;
    if (typeof value === "object") return value.full_name || JSON.stringify(value);
    return String(value);
  }

  function title(record, records) {
    if (record.kind === "review_save") {
      const reference = String(record.review && record.review.household);
      const made = records.find((r) => r.client_id === reference);
      const name = made ? made.household.code || reference : reference;
      return format(words.review, { name });
    }
    const household = record.household || {};
    const head = (household.members || []).find((m) => m.relation === "head");
    const known = (record.answer && record.answer.household) || {};
    const name = household.code || known.code || (head && head.full_name) || household.id || "";
    return format(record.kind === "household_create" ? words.newHousehold : words.household, { name });
  }

  /** "members.12.full_name" → "Member Lục Thị Mai: full name" (the member's name from the server's household). */
  function fieldLabel(field, server) {
    const parts = field.split(".");
    if (parts[0] === "members") {
      const member = ((server && server.members) || []).find((m) => String(m.id) === parts[1]);
      const who = format(words.member, { name: member ? member.full_name : `#${parts[1]}` });
      return parts[2] ? `${who}: ${labels[parts[2]] || parts[2]}` : who;
    }
    if (parts[0] === "facts") return labels[parts[1]] || parts[1];
    return labels[field] || field;
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function refusedItem(record, records) {
    const item = element("li", { "data-client-id": record.client_id, "data-state": "refused", class: "offline-refused" });
    item.append(element("strong", { text: title(record, records) }), " ", element("span", { text: words.refused }));
    const list = element("ul", { class: "errorlist" });
    for (const reason of reasons(record.answer && record.answer.errors)) list.append(element("li", { text: reason }));
    item.append(list, element("a", { href: format(words.edit, { id: record.client_id }), text: words.fix }));
    return item;
  }

  function conflictItem(record, records) {
    const answer = record.answer;
    const server = answer[record.kind === "review_save" ? "review" : "household"] || {};
    const form = element("form", { "data-client-id": record.client_id, class: "offline-conflict" });
    const fieldset = element("fieldset");
    fieldset.append(element("legend", { text: `${title(record, records)}: ${words.conflict}` }));
    answer.differences.forEach((difference, n) => {
      const name = `choice-${record.client_id}-${n}`;
      const row = element("fieldset", { "data-field": difference.field });
      row.append(element("legend", { text: fieldLabel(difference.field, server) }));
      for (const side of ["yours", "server"]) {
        const input = element("input", { type: "radio", name, value: side });
        if (side === "yours") input.checked = true;
        row.append(element("label", { class: "check" }, input, " ", format(words[side], { value: shown(difference[side], difference.field) })));
      }
      fieldset.append(row);
    });
    fieldset.append(element("button", { type: "submit", text: words.sendChoice }));
    form.append(fieldset);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = answer.differences.map((_difference, n) => {
        const picked = form.querySelector(`input[name="choice-${record.client_id}-${n}"]:checked`);
        return picked ? picked.value : "yours";
      });
      await resolve(record, chosen);
      await sync();
    });
    return element("li", { "data-client-id": record.client_id, "data-state": "conflict" }, form);
  }

  async function show() {
    const list = document.getElementById("offline-sync-items");
    if (!list) return;
    const records = (await queued()).sort(order);
    const waiting = records.filter((r) => WAITING.has(r.state)).length;
    list.replaceChildren(
      ...records.filter((r) => r.state === "refused").map((r) => refusedItem(r, records)),
      ...records.filter((r) => r.state === "conflict").map((r) => conflictItem(r, records)),
    );
    list.dataset.waiting = waiting;
    const status = document.getElementById("offline-sync-status");
    if (status && !status.textContent) say(waiting ? format(words.waiting, { count: waiting }) : words.nothing);
  }

  // --- a conflict resolved ------------------------------------------------------------------------------------------

  const pick = (difference, side) => (side === "server" ? difference.server : difference.yours);
  const newId = () =>
    root.crypto && root.crypto.randomUUID
      ? root.crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (root.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
        );

  /** The household the officer chose: each field that differs as chosen; the members as the server has them, with
   * the chosen values, the members only one side has kept or left as chosen, and those the phone added. */
  function chosenHousehold(record, chosen) {
    const { differences, household: server } = record.answer;
    const mine = record.household || {};
    const household = { id: server.id };
    const members = (server.members || []).map((member) => ({ ...member }));
    let membersTouched = false;
    differences.forEach((difference, n) => {
      const side = chosen[n];
      const parts = difference.field.split(".");
      if (parts[0] !== "members") {
        household[difference.field] = pick(difference, side);
        return;
      }
      membersTouched = true;
      const at = members.findIndex((m) => String(m.id) === parts[1]);
      if (parts.length === 3) {
        if (at >= 0) members[at][parts[2]] = pick(difference, side);
      } else if (difference.server === null && side === "yours") {
        // The phone's member the server no longer has: added again as new.
        const { id: _gone, ...again } = difference.yours;
        members.push(again);
      } else if (difference.yours === null && side === "yours" && at >= 0) {
        members.splice(at, 1); // the phone removed it: removed
      }
    });
    if (mine.members) {
      for (const member of mine.members) if (!member.id) members.push({ ...member });
      membersTouched = true;
    }
    if (membersTouched) household.members = members;
    return household;
  }

  /** The review the officer chose: the server's, with the values chosen where they differ. */
  function chosenReview(record, chosen) {
    const { differences, review: server } = record.answer;
    const review = {
      ...record.review,
      household: String(server.household),
      income_per_capita: server.income_per_capita,
      facts: { ...(server.facts || {}) },
      causes: [...(server.causes || [])],
    };
    differences.forEach((difference, n) => {
      const value = pick(difference, chosen[n]);
      if (difference.field.startsWith("facts.")) review.facts[difference.field.slice(6)] = value;
      else review[difference.field] = value;
    });
    return review;
  }

  /** Queue the officer's choice as a new change on the server's version; the conflicting change is kept, resolved. */
  async function resolve(record, chosen) {
    const review = record.kind === "review_save";
    const server = record.answer[review ? "review" : "household"];
    const client_id = newId();
    const choice = {
      client_id,
      kind: record.kind,
      base_version: server.version,
      resolves_conflict: true,
      [review ? "review" : "household"]: review ? chosenReview(record, chosen) : chosenHousehold(record, chosen),
      state: "pending",
      saved_at: new Date().toISOString(),
      resolves: record.client_id,
    };
    await put(choice);
    await put({ ...record, state: "resolved", resolved_by: client_id });
    return choice;
  }

  // --- start --------------------------------------------------------------------------------------------------------

  async function start() {
    if (!window.idb || !Store()) return;
    await expireOld();
    await show();
    const button = document.getElementById("offline-sync-button");
    if (button) button.addEventListener("click", () => sync());
  }

  root.PovertyplanSync = { sync, show, expireOld, resolve, change, reasons };
  if (section) root.PovertyplanSync.ready = start();
})(globalThis);
