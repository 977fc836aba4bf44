#!/usr/bin/env bash
# Installs what `npm run test:vscode` needs on a clean Debian machine, as root, offline except for Debian's and
# npm's registries: Debian's chromium, libkrb5-dev, ripgrep and fonts-liberation, then code-server (a complete
# VS Code: server, extension host, web workbench) into .vscode-test/code-server/, outside the project's own
# dependency tree. Idempotent: a re-run skips every step whose result is already there.
# Usage: bash scripts/install-code-server.sh      (or: npm run vscode:install)
# Why each step is needed: /work/shared/vscode-testing.md, "Installing code-server here".
set -euo pipefail

CODE_SERVER_VERSION=4.100.3          # = VS Code 1.100.3, the last release whose postinstall accepts Node 20
RIPGREP_CACHE_VERSION=1.15.11         # the @vscode/ripgrep version that VS Code 1.100 depends on
RIPGREP_PREBUILT=v13.0.0-10           # the ripgrep-prebuilt release it would download (ripgrep 13.0.0)
APT_PACKAGES=(chromium libkrb5-dev ripgrep fonts-liberation)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.vscode-test/code-server"
marker="$dest/.sealant-installed"
start=$SECONDS

step() { echo "install-code-server: $*"; }
failed=
fail() { failed=1; echo "install-code-server: FAILED after $((SECONDS - start)) s: $*" >&2; exit 1; }
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -z "$failed" ]; then
    echo "install-code-server: FAILED (exit $rc) after $((SECONDS - start)) s; see the output above" >&2
  fi
}
trap on_exit EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root (apt-get install and code-server's postinstall need it)"
command -v node >/dev/null || fail "node is not installed"
command -v npm >/dev/null || fail "npm is not installed"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || step "warning: Node $(node --version); code-server@$CODE_SERVER_VERSION's postinstall expects Node 20"

# 1. Debian packages ---------------------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  step "apt: ${APT_PACKAGES[*]} already installed, skipping apt"
else
  t=$SECONDS
  step "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || fail "apt-get update failed (is Debian's package mirror reachable?)"
  apt-get install -y -q "${APT_PACKAGES[@]}" || fail "apt-get install ${APT_PACKAGES[*]} failed"
  step "apt: done in $((SECONDS - t)) s"
fi
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing after installing the chromium package"
command -v rg >/dev/null || fail "rg is missing after installing the ripgrep package"

# 2. code-server -------------------------------------------------------------------------------------------------
want="code-server@$CODE_SERVER_VERSION node-$(node --version)"
server_main="$dest/node_modules/code-server/lib/vscode/out/server-main.js"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -f "$server_main" ]; then
  step "code-server: $want already installed in ${dest#"$root"/}, skipping npm"
else
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable; it first looks for this cached
  # archive, so give it Debian's rg (the same ripgrep 13.0.0).
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) fail "unsupported architecture $(uname -m)" ;;
  esac
  cache_dir="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-$RIPGREP_CACHE_VERSION"
  cache_tgz="$cache_dir/ripgrep-$RIPGREP_PREBUILT-$rg_target.tar.gz"
  if [ ! -s "$cache_tgz" ]; then
    mkdir -p "$cache_dir"
    tar czf "$cache_tgz" -C "$(dirname "$(command -v rg)")" rg || fail "could not write $cache_tgz"
    step "ripgrep: cached Debian's $(rg --version | head -1) as $cache_tgz"
  else
    step "ripgrep: cache $cache_tgz already there"
  fi

  t=$SECONDS
  step "code-server: npm install code-server@$CODE_SERVER_VERSION into ${dest#"$root"/} (about 100 MB download)"
  rm -f "$marker"
  mkdir -p "$dest"
  # Its own package.json stops npm from walking up into the project's package.json; allowScripts approves the
  # two install scripts (npm 11 warns about unapproved ones and is heading towards skipping them).
  cat > "$dest/package.json" <<JSON
{ "name": "sealant-code-server", "private": true, "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": true } }
JSON
  # unsafe_perm: code-server's postinstall refuses to run as root without it; yes: node-pty's postinstall runs
  # `npx node-gyp`, and this machine's npm config says yes=false. argon2/kerberos prebuild download errors are noise.
  (cd "$dest" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION") \
    || fail "npm install code-server@$CODE_SERVER_VERSION failed (see npm's log above)"
  [ -f "$server_main" ] || fail "$server_main is missing after npm install"
  rg_bin="$dest/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  [ -x "$rg_bin" ] || fail "$rg_bin is missing: @vscode/ripgrep's postinstall did not use the cache (version changed?)"
  pty="$dest/node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node"
  [ -f "$pty" ] || fail "$pty is missing: code-server's postinstall did not build its native modules"
  echo "$want" > "$marker"
  step "code-server: done in $((SECONDS - t)) s ($(du -sh "$dest" | cut -f1) on disk)"
fi

vscode_version="$(node -p "require('$dest/node_modules/code-server/lib/vscode/package.json').version")"
step "ready: VS Code $vscode_version (code-server $CODE_SERVER_VERSION), $(/usr/bin/chromium --version 2>/dev/null | head -1); took $((SECONDS - start)) s"
