#!/usr/bin/env bash
# Installs what the tests need; idempotent, and quick when everything is already there.
#
# - PostgreSQL 15 with plpgsql_check (Debian packages), from which the tests start a
#   private throwaway cluster. Skipped when TEST_DATABASE_URL or TEST_DB_HOST names a
#   server to use instead (docker-compose.test.yml, CI).
# - Confiture (fraiseql-confiture, pinned) in .venv-confiture/, for the tests that run
#   `confiture build` on the compiler's output.
#
# Works on a fresh Debian 12 as root (or with sudo). Rust itself is not installed here:
# get it from https://rustup.rs (rust-version is in Cargo.toml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly CONFITURE="fraiseql-confiture==1.29.0"
# Debian 12's plpgsql_check; tests/fixtures/Dockerfile.postgres pins the same version, so
# every test server runs one plpgsql_check. Change both pins together.
readonly PLPGSQL_CHECK_VERSION="2.3.0-1"
readonly VENV=".venv-confiture"

say() { printf 'setup: %s\n' "$*" >&2; }

installed() { # package -> whether dpkg has it fully installed
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    say "need root to run: $*"
    exit 1
  fi
}

apt_install() { # packages...
  local package stale=""
  for package in "$@"; do
    # No candidate: the package lists are missing or too old to know the package.
    if ! apt-cache show "$package" >/dev/null 2>&1; then stale=yes; fi
  done
  if [ -n "$stale" ]; then
    as_root apt-get update
  fi
  say "installing $*"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; then
    # The lists named files the mirror no longer has: refresh once and retry.
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
  fi
}

missing=()
if [ -z "${TEST_DATABASE_URL:-}" ] && [ -z "${TEST_DB_HOST:-}" ]; then
  for package in postgresql-15 postgresql-contrib; do
    installed "$package" || missing+=("$package")
  done
  if ! installed postgresql-15-plpgsql-check \
    || [ "$(dpkg-query -W -f='${Version}' postgresql-15-plpgsql-check)" != "$PLPGSQL_CHECK_VERSION" ]; then
    missing+=("postgresql-15-plpgsql-check=$PLPGSQL_CHECK_VERSION")
  fi
fi
# The venv records which Confiture it holds, so a changed pin reinstalls it.
need_venv=""
if [ ! -x "$VENV/bin/confiture" ] || [ "$(cat "$VENV/.requirement" 2>/dev/null)" != "$CONFITURE" ]; then
  need_venv=yes
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3 python3-venv)
  fi
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "please install: ${missing[*]} (or equivalents); this script knows only apt"
    exit 1
  fi
  apt_install "${missing[@]}"
fi

if [ -n "$need_venv" ]; then
  say "installing $CONFITURE into $VENV"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$CONFITURE"
  printf '%s\n' "$CONFITURE" >"$VENV/.requirement"
fi

if ! command -v cargo >/dev/null 2>&1; then
  say "cargo not found: install Rust from https://rustup.rs"
  exit 1
fi
