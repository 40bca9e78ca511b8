#!/usr/bin/env bash
# Installs with apt-get the system packages pip cannot bring, only when one is missing:
#   gettext            compilemessages (the Vietnamese and English interface)
#   libpango*/libharfbuzz  WeasyPrint's text layout (PDF reports)
#   fonts-dejavu-core, fonts-noto-core  fonts with Vietnamese glyphs for PDFs
#   chromium           the real browser of the browser tests (driven by Playwright, never downloaded by it)
#   redis-server       the Celery broker of the test that kills a worker in the middle of an import
set -euo pipefail
packages=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core chromium redis-server)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
