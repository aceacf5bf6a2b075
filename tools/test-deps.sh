#!/usr/bin/env bash
# Installs what the tests need when it is missing; the README's test command is
#
#   tools/test-deps.sh && cargo test
#
# The tests need, besides Rust: python3, Chromium and the Noto fonts (the reply height test
# draws the example reply), Redis and PostgreSQL (the fleet and outage tests start their own
# throw-away servers on 127.0.0.1). Whatever is missing is installed from Debian's packages
# with apt-get (as root, or through sudo without a password). Where that is not possible (no
# apt-get, not root and no sudo), this says what to install and stops, before building
# anything. Nothing is started here: the tests start and stop their own servers.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "tools/test-deps.sh: cargo is required: install the Rust stable toolchain (https://rustup.rs)" >&2
  exit 1
fi

has() { command -v "$1" >/dev/null 2>&1; }
has_font() { has fc-list && fc-list 2>/dev/null | grep -q "$1"; }
has_postgres() {
  { has initdb && has postgres; } || compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

# Debian packages for whatever is missing (each check is what the tests look for).
pkgs=()
has python3 || pkgs+=(python3)
has chromium || has chromium-browser || has google-chrome || pkgs+=(chromium)
has fc-list || pkgs+=(fontconfig)
has_font "NotoSans-Regular" || pkgs+=(fonts-noto-core)
has_font "Noto Color Emoji" || pkgs+=(fonts-noto-color-emoji)
has redis-server || pkgs+=(redis-server)
has_postgres || pkgs+=(postgresql)

if [ "${#pkgs[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if has sudo && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      sudo="none"
    fi
  fi
  if ! has apt-get || [ "$sudo" = "none" ]; then
    {
      echo "tools/test-deps.sh: the tests need these, and they are missing:"
      echo "    ${pkgs[*]}"
      if has apt-get; then
        echo "Install them as root (this script does it when run as root or with password-less sudo):"
        echo "    apt-get install ${pkgs[*]}"
      else
        echo "Install them with your system's package manager (the names above are Debian's):"
        echo "python3; Chromium; the Noto Sans and Noto Color Emoji fonts; redis-server; PostgreSQL"
        echo "(initdb and postgres on PATH or in /usr/lib/postgresql/*/bin)."
      fi
      echo "Nothing was built."
    } >&2
    exit 1
  fi
  echo "tools/test-deps.sh: installing ${pkgs[*]}" >&2
  # shellcheck disable=SC2086
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi

echo "tools/test-deps.sh: everything the tests need is here" >&2
