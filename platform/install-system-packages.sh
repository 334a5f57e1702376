#!/bin/sh
# Debian packages the project needs beyond Python: Chromium for the browser tests of the
# citizen site (driven by Playwright, never downloaded by it), IPA fonts for Japanese PDFs and
# Nanum fonts so Korean pages render in the test browser.
# Installs them with apt when run as root; otherwise says what is missing.
set -u
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -d /usr/share/fonts/truetype/nanum ] || missing="$missing fonts-nanum"
[ -d /usr/share/fonts/opentype/ipafont-gothic ] \
  || fc-list 2>/dev/null | grep -qi 'IPAGothic' || missing="$missing fonts-ipafont"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $missing >/dev/null; } \
    || { echo "could not install:$missing" >&2; exit 1; }
else
  echo "warning: missing Debian packages:$missing (install them with apt as root; browser tests and Japanese PDFs need them)" >&2
fi
