#!/usr/bin/env bash
# The project's test command: set up what the tests need, then run every test.
# Database tests start a private PostgreSQL cluster, or use the server that
# TEST_DATABASE_URL or TEST_DB_HOST/PORT/NAME/USER/PASSWORD name.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
cargo test --locked --all-targets "$@"
