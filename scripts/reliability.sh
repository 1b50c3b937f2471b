#!/usr/bin/env bash
# The long reliability runs (issue 6), in a release build:
#   - `veille index` killed with SIGKILL 30 times over 25,000 generated
#     articles, and 25 times over the shared corpora (../shared/data, when
#     present), then resumed and compared with a clean run;
#   - `veille serve --watch` killed 20 times while files land;
#   - a 60 s load run at 64 connections while the watcher indexes;
#   - the 5 MB entity flood, a folder of 32 dumps of 16 MB and a 400 MB
#     dump (peak RSS);
#   - then the whole reliability suite and the property tests once more.
# The figures go to standard output and to target/reliability.log; the
# README's "Reliability" section quotes them.
#
# Usage: scripts/reliability.sh            (about 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

log=target/reliability.log
mkdir -p target
: >"$log"

echo "== building (release)"
cargo test --release --test reliability --no-run

# One test at a time: the load figures must not share the machine with
# another test's indexing.
echo "== long runs (cargo test --release --test reliability -- --ignored)"
cargo test --release --test reliability -- --ignored --nocapture --test-threads=1 2>&1 | tee -a "$log"

echo "== default suite (release)"
cargo test --release --test reliability -- --nocapture --test-threads=1 2>&1 | tee -a "$log"

echo "== properties"
cargo test --release --test proptest_reliability 2>&1 | tee -a "$log"

echo
echo "== summary"
# A test's first line of output follows its name on the same line.
sed -E 's/^test [^ ]+ \.\.\. //' "$log" |
  grep -E '^(first build|incremental run|[0-9]+ kills|watcher: |load \(|slowloris|normal client|hostile corpus|jsonl:|200 MB|entity flood|[0-9]+ dumps|dump of|dump kills|second runs|outside runs|[0-9]+ searches|test result)' || true
