#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, into a cache folder kept between runs:
#   - Debian's chromium (the browser that drives code-server), and the build tools code-server's
#     native modules need, through apt-get, only for packages that are missing;
#   - code-server 4.100.3 (VS Code 1.100.3, the newest release that runs on Node 20) and
#     playwright-core (no browser download) from npm, into $FORKGUARD_E2E_CACHE/vendor.
# Idempotent: a second run checks versions and returns in well under a second.
# Usage: bash test/e2e/setup.sh        (prints the vendor folder on its last line)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
CACHE=${FORKGUARD_E2E_CACHE:-$HOME/.cache/forkguard-e2e}
VENDOR=$CACHE/vendor
STAMP=$VENDOR/.installed
WANTED_STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION node@$(node -p 'process.versions.modules')"

log() { echo "[e2e setup] $*" >&2; }

missing_debian_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
  done
}

apt_install() {
  local missing
  missing=$(missing_debian_packages "$@" | tr "\n" " ")
  missing=${missing% }
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: $missing -- install them as root (apt-get install -y $missing)"
    exit 1
  fi
  log "apt-get install $missing"
  apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

vendor_is_current() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANTED_STAMP" ] && [ -x "$VENDOR/node_modules/.bin/code-server" ]
}

[ -x /usr/bin/chromium ] || apt_install chromium

if vendor_is_current; then
  log "vendor up to date ($WANTED_STAMP) in $VENDOR"
  echo "$VENDOR"
  exit 0
fi

# Build tools for code-server's native modules (node-pty, kerberos, @parcel/watcher...), and
# Debian's ripgrep to stand in for the one @vscode/ripgrep would download from GitHub.
apt_install ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev build-essential pkg-config python3

log "installing $WANTED_STAMP into $VENDOR (a few minutes: native modules build from source)"
rm -rf "$VENDOR"
mkdir -p "$VENDOR/tmp"
echo '{ "name": "forkguard-e2e-vendor", "private": true }' > "$VENDOR/package.json"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache (under os.tmpdir())
# already holds the archive: seed it with Debian's rg. 1.15.11 is the version code-server pins.
RG_CACHE="$VENDOR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE" "$VENDOR/tmp/rg"
cp /usr/bin/rg "$VENDOR/tmp/rg/rg"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$VENDOR/tmp/rg" rg

# unsafe_perm: code-server's postinstall refuses to run as root otherwise.
# yes: node-pty's postinstall runs `npx node-gyp`, which would ask before installing it.
# dangerously_allow_all_scripts: npm 11 skips dependency install scripts unless approved, and
# code-server's postinstall runs a nested `npm install` in lib/vscode whose native modules must
# build; an environment setting reaches that nested install, a package.json allowScripts does not.
# It applies to this pinned vendor install only, never to the project's own dependencies.
(cd "$VENDOR" && TMPDIR="$VENDOR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm_config_dangerously_allow_all_scripts=true \
  npm install --no-audit --no-fund --loglevel=error \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >&2)

# The launcher alone is not enough: the nested install must have produced VS Code's own modules.
for built in node_modules/.bin/code-server node_modules/code-server/lib/vscode/node_modules/node-pty \
  node_modules/playwright-core/package.json; do
  [ -e "$VENDOR/$built" ] || { log "install incomplete: $VENDOR/$built is missing"; exit 1; }
done
echo "$WANTED_STAMP" > "$STAMP"
log "installed"
echo "$VENDOR"
