/*
 * The offline app shell's script: what this phone keeps (store.js), shown with no network. The household list,
 * the forms and the sync come in the next parts (issue 24).
 */
(function () {
  "use strict";

  const list = document.getElementById("offline-downloads");
  const empty = document.getElementById("offline-empty");
  const state = document.getElementById("offline-state");
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));

  const when = (iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  };

  function showState() {
    state.textContent = navigator.onLine ? "" : state.dataset.offline;
  }

  async function start() {
    showState();
    window.addEventListener("online", showState);
    window.addEventListener("offline", showState);
    const downloads = window.idb ? await PovertyplanStore.downloads() : [];
    empty.hidden = downloads.length > 0;
    list.replaceChildren(
      ...downloads.map((download) => {
        const item = document.createElement("li");
        item.dataset.round = download.round.id;
        item.textContent = format(list.dataset.summary, {
          round: `${download.round.commune.name} ${download.round.year}`,
          households: download.counts.households,
          members: download.counts.members,
          villages: download.counts.villages,
          when: when(download.downloaded_at),
        });
        return item;
      }),
    );
  }

  start();
})();
