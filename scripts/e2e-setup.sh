#!/usr/bin/env bash
# Installs what `npm run test:e2e` drives: Debian's chromium, neovim, emacs-nox + elpa-eglot (and
# ripgrep + libkrb5-dev, which the code-server install needs), code-server 4.100.3 and playwright-core
# into the git-ignored .e2e/ folder. Safe to re-run: finished steps are skipped.
#
# Why the code-server install is done by hand instead of `npm install code-server`:
#  - 4.100.3 is the last code-server whose engines.node is 20 (the Node this project runs on);
#  - its postinstall runs `npm install` in lib/vscode, where @vscode/ripgrep downloads rg from
#    GitHub (unreachable here): we run the steps ourselves and give it Debian's rg instead;
#  - kerberos builds from source (needs libkrb5-dev headers);
#  - node-pty's postinstall runs `npx node-gyp`, which an npmrc with yes=false cancels.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
E2E_DIR=$ROOT/.e2e
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
APT_PACKAGES=(chromium ripgrep libkrb5-dev neovim emacs-nox elpa-eglot)

T0=$(date +%s)
step() { echo "[e2e-setup $(( $(date +%s) - T0 ))s] $*"; }
mkdir -p "$E2E_DIR"
LOG=$E2E_DIR/setup.log
: > "$LOG"
# run a noisy install step with its output in .e2e/setup.log; show the end of it when it fails
quiet() { "$@" >>"$LOG" 2>&1 || { echo "e2e-setup: failed: $*" >&2; tail -n 40 "$LOG" >&2; return 1; }; }

# ---- 1. Debian packages ------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "e2e-setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  step "apt-get install ${missing[*]}"
  quiet $SUDO apt-get update
  quiet $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  step "apt packages present"
fi

# code-server and npm write into XDG folders and ~/.config; keep that litter inside .e2e
export XDG_CONFIG_HOME=$E2E_DIR/xdg-config XDG_DATA_HOME=$E2E_DIR/xdg-data XDG_CACHE_HOME=$E2E_DIR/xdg-cache

# ---- 2. playwright-core (until it is a devDependency of the project) -----------------------------
if [ -f "$ROOT/node_modules/playwright-core/package.json" ]; then
  step "playwright-core present in node_modules"
elif [ "$(node -p "try{require('$E2E_DIR/node_modules/playwright-core/package.json').version}catch{''}")" = "$PLAYWRIGHT_CORE_VERSION" ]; then
  step "playwright-core $PLAYWRIGHT_CORE_VERSION present in .e2e"
else
  step "npm install playwright-core@$PLAYWRIGHT_CORE_VERSION into .e2e"
  [ -f "$E2E_DIR/package.json" ] || echo '{"name":"keras-lint-e2e-tools","private":true}' > "$E2E_DIR/package.json"
  quiet npm install --prefix "$E2E_DIR" --no-audit --no-fund "playwright-core@$PLAYWRIGHT_CORE_VERSION"
fi

# ---- 3. code-server ------------------------------------------------------------------------------
CS_DIR=$E2E_DIR/code-server
CS_DONE=$CS_DIR/.installed-$CODE_SERVER_VERSION
if [ -f "$CS_DONE" ]; then
  step "code-server $CODE_SERVER_VERSION present"
else
  step "installing code-server $CODE_SERVER_VERSION into .e2e/code-server"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"name":"keras-lint-e2e-code-server","private":true}' > "$CS_DIR/package.json"
  (
    cd "$CS_DIR"
    # scripts off: code-server's postinstall is replaced by the steps below
    quiet npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION"
    # argon2's prebuilt download fails here; the rebuild compiles it with node-gyp
    quiet npm rebuild argon2
    cd node_modules/code-server/lib/vscode
    quiet npm install --no-audit --no-fund --omit=dev --ignore-scripts
    # @vscode/ripgrep's postinstall downloads rg unless bin/ exists: give it Debian's rg
    if [ -d node_modules/@vscode/ripgrep ]; then
      mkdir -p node_modules/@vscode/ripgrep/bin
      ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    fi
    quiet env npm_config_yes=true npm rebuild
    # the rest of code-server's postinstall.sh
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    cd extensions && quiet npm install --no-audit --no-fund --omit=dev
  )
  "$CS_DIR/node_modules/.bin/code-server" --version >/dev/null
  touch "$CS_DONE"
fi
step "done: $("$CS_DIR/node_modules/.bin/code-server" --version | head -1), $(nvim --version | head -1), $(emacs --version | head -1), $(chromium --version 2>/dev/null)"
