{% autoescape off %}/*
 * The offline app's service worker (served by offline.views.service_worker_view at /offline/sw.js, scope /offline/).
 *
 * It keeps the app shell and its static files (precached, each with the revision of its content) and nothing
 * else: no page about a user, no answer of the API. Every other request goes to the network as if it were not
 * there. The households are kept by the pages' script in IndexedDB, never here.
 */
importScripts("{{ workbox_sw }}");

const MODULES = {{ modules }};
// Local files only (never Workbox's CDN), the production builds even on localhost.
workbox.setConfig({ debug: false, modulePathCb: (name) => MODULES[name] });
workbox.loadModule("workbox-core");
workbox.loadModule("workbox-routing");
workbox.loadModule("workbox-strategies");
workbox.loadModule("workbox-precaching");

workbox.core.setCacheNameDetails({ prefix: "povertyplan-offline" });
self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
// Django answers the shell with "Vary: Accept-Language, Cookie"; the phone keeps one copy of it, so it is found by
// its URL alone, whatever headers the browser's request carries.
workbox.precaching.addPlugins([
  { cacheKeyWillBeUsed: async ({ request, mode }) => (mode === "read" ? new Request(request.url) : request) },
]);
// No directory index or clean-URL guessing: only the exact URLs below are answered from the cache.
workbox.precaching.precacheAndRoute({{ precache }}, { directoryIndex: null, cleanURLs: false });
{% endautoescape %}
