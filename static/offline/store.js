/*
 * The phone's store of offline work: IndexedDB through the vendored idb library (static/vendor/idb/).
 *
 *   downloads   one record per round taken offline: the round, villages, counts, rule tables, who and when
 *   households  the households of those rounds, keyed [round id, household id], indexed by round
 *   queue       every change saved offline, keyed by its client_id, in the sync API's shape (POST
 *               /api/v1/offline/sync/: client_id, kind, base_version, household | review) with the phone's
 *               bookkeeping: state ("pending", then what the sync helper writes: "sent", "refused", …), saved_at
 *               (the first save: the queue's order), corrected_at (the last correction)
 *   drafts      the form in progress, saved at each keystroke (a reload or a dead battery loses nothing), keyed
 *               by the form's route (app.js)
 *
 * Everything belongs to one user: a download by another user clears the store first, and clear() empties it
 * (on sign-out, and when the phone has gone too long without a sync).
 * Defines globalThis.PovertyplanStore.
 */
(function (root) {
  "use strict";

  const NAME = "povertyplan-offline";
  const VERSION = 2;
  const STORES = ["downloads", "households", "queue", "drafts"];

  function open() {
    return root.idb.openDB(NAME, VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore("downloads", { keyPath: "round.id" });
          const households = db.createObjectStore("households", { keyPath: ["round", "id"] });
          households.createIndex("round", "round");
        }
        if (oldVersion < 2) {
          // Version 1's queue was never written (keyed by "uuid"): the sync API names a change by its client_id.
          if (db.objectStoreNames.contains("queue")) db.deleteObjectStore("queue");
          db.createObjectStore("queue", { keyPath: "client_id" });
          db.createObjectStore("drafts", { keyPath: "key" });
        }
      },
    });
  }

  async function clear() {
    const db = await open();
    const tx = db.transaction(STORES, "readwrite");
    await Promise.all([...STORES.map((name) => tx.objectStore(name).clear()), tx.done]);
    db.close();
  }

  async function run(store, mode, work) {
    const db = await open();
    try {
      return await work(db, store, mode);
    } finally {
      db.close();
    }
  }

  /** Every queued change, oldest first: the order the sync sends them in (a household before its review). A
   * correction keeps the change's saved_at, and so its place; it writes corrected_at. */
  function queue() {
    return run("queue", "readonly", async (db) =>
      (await db.getAll("queue")).sort((a, b) => (a.saved_at < b.saved_at ? -1 : a.saved_at > b.saved_at ? 1 : 0)),
    );
  }

  function queued(clientId) {
    return run("queue", "readonly", (db) => db.get("queue", clientId));
  }

  /** Write a queued change back (its state, the server's answer, a correction), whole. */
  function putQueued(record) {
    return run("queue", "readwrite", async (db) => {
      await db.put("queue", record);
      return record;
    });
  }

  /** Queue a change of the sync API's shape at once, marked pending, and drop the draft it was typed in. */
  function enqueue(change, draftKey) {
    const record = { ...change, state: "pending", saved_at: new Date().toISOString() };
    return run("queue", "readwrite", async (db) => {
      const tx = db.transaction(["queue", "drafts"], "readwrite");
      const writes = [tx.objectStore("queue").put(record)];
      if (draftKey) writes.push(tx.objectStore("drafts").delete(draftKey));
      await Promise.all([...writes, tx.done]);
      return record;
    });
  }

  function saveDraft(draft) {
    const record = { ...draft, saved_at: new Date().toISOString() };
    return run("drafts", "readwrite", (db) => db.put("drafts", record).then(() => record));
  }

  function draft(key) {
    return run("drafts", "readonly", (db) => db.get("drafts", key));
  }

  function drafts() {
    return run("drafts", "readonly", (db) => db.getAll("drafts"));
  }

  function dropDraft(key) {
    return run("drafts", "readwrite", (db) => db.delete("drafts", key));
  }

  /** Keep a download (the answer of GET /api/v1/offline/rounds/{id}/), replacing the round's earlier one. */
  async function saveDownload(data) {
    const db = await open();
    const owners = new Set((await db.getAll("downloads")).map((d) => d.user.id));
    if ([...owners].some((id) => id !== data.user.id)) {
      db.close();
      await clear();
      return saveDownload(data);
    }
    const roundId = data.round.id;
    const tx = db.transaction(["downloads", "households"], "readwrite");
    const households = tx.objectStore("households");
    let cursor = await households.index("round").openKeyCursor(IDBKeyRange.only(roundId));
    while (cursor) {
      await households.delete(cursor.primaryKey);
      cursor = await cursor.continue();
    }
    const { households: _left, ...summary } = data;
    await Promise.all([
      ...data.households.map((household) => households.put({ ...household, round: roundId })),
      tx.objectStore("downloads").put(summary),
      tx.done,
    ]);
    db.close();
    return summary;
  }

  async function downloads() {
    const db = await open();
    const found = await db.getAll("downloads");
    db.close();
    return found;
  }

  async function households(roundId) {
    const db = await open();
    const found = await db.getAllFromIndex("households", "round", roundId);
    db.close();
    return found;
  }

  /** Clear the store when it belongs to someone else than ``userId``. */
  async function keepOnly(userId) {
    const stored = await downloads();
    if (stored.some((d) => d.user.id !== userId)) await clear();
  }

  root.PovertyplanStore = {
    open,
    clear,
    saveDownload,
    downloads,
    households,
    keepOnly,
    queue,
    queued,
    putQueued,
    enqueue,
    saveDraft,
    draft,
    drafts,
    dropDraft,
  };
})(globalThis);
