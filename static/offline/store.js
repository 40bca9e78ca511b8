/*
 * The phone's store of offline work: IndexedDB through the vendored idb library (static/vendor/idb/).
 *
 *   downloads   one record per round taken offline: the round, villages, counts, rule tables, who and when
 *   households  the households of those rounds, keyed [round id, household id], indexed by round
 *   queue       what was saved offline and waits to be sent (filled by the offline forms, a later part)
 *
 * Everything belongs to one user: a download by another user clears the store first, and clear() empties it
 * (on sign-out, and when the phone has gone too long without a sync).
 * Defines globalThis.PovertyplanStore.
 */
(function (root) {
  "use strict";

  const NAME = "povertyplan-offline";
  const VERSION = 1;

  function open() {
    return root.idb.openDB(NAME, VERSION, {
      upgrade(db) {
        db.createObjectStore("downloads", { keyPath: "round.id" });
        const households = db.createObjectStore("households", { keyPath: ["round", "id"] });
        households.createIndex("round", "round");
        db.createObjectStore("queue", { keyPath: "uuid" });
      },
    });
  }

  async function clear() {
    const db = await open();
    const tx = db.transaction(["downloads", "households", "queue"], "readwrite");
    await Promise.all([tx.objectStore("downloads").clear(), tx.objectStore("households").clear(), tx.objectStore("queue").clear(), tx.done]);
    db.close();
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

  root.PovertyplanStore = { open, clear, saveDownload, downloads, households, keepOnly };
})(globalThis);
