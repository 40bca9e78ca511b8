/*
 * The "Offline work" page: registers the offline app's service worker (workbox-window), downloads the chosen
 * villages of a round (GET /api/v1/offline/rounds/{id}/?village=…, with the session) into the phone's store
 * (store.js) and says how much was taken and when. The words come from the page's data attributes (translated
 * by the server).
 */
(function () {
  "use strict";

  const app = document.getElementById("offline-app");
  if (!app) return;
  const status = document.getElementById("offline-status");
  const list = document.getElementById("offline-downloads");
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  const when = (iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  };

  function summary(download) {
    const round = `${download.round.commune.name} ${download.round.year}`;
    return format(app.dataset.summary, {
      round,
      households: download.counts.households,
      members: download.counts.members,
      villages: download.counts.villages,
      when: when(download.downloaded_at),
    });
  }

  async function showDownloads() {
    const downloads = await PovertyplanStore.downloads();
    list.replaceChildren(
      ...downloads.map((download) => {
        const item = document.createElement("li");
        item.dataset.round = download.round.id;
        item.textContent = summary(download);
        return item;
      }),
    );
  }

  async function download(form) {
    const params = new URLSearchParams(new FormData(form));
    status.textContent = app.dataset.saving;
    let response;
    try {
      response = await fetch(`${form.action}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      status.textContent = app.dataset.offlineFailed;
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = body.detail || Object.values(body).flat().join(" ") || response.statusText;
      status.textContent = format(app.dataset.failed, { reason });
      return;
    }
    const saved = await PovertyplanStore.saveDownload(body);
    status.textContent = summary(saved);
    await showDownloads();
  }

  async function start() {
    if (!("indexedDB" in window) || !window.idb) {
      status.textContent = app.dataset.unsupported;
      return;
    }
    await PovertyplanStore.keepOnly(Number(app.dataset.user));
    await showDownloads();
    for (const form of document.querySelectorAll("form[data-offline-download]")) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        download(form);
      });
    }
    if ("serviceWorker" in navigator && window.workbox) {
      new window.workbox.Workbox(app.dataset.serviceWorker, { scope: app.dataset.scope }).register();
    }
  }

  start();
})();
