#!/usr/bin/env bash
# `npm run test:e2e`: installs the e2e tools (cached), builds and packages the extension, then runs
# the end-to-end suites one after the other (each starts its own code-server):
#   test/e2e/editor.e2e.ts  the packaged .vsix in code-server, driven through chromium
#   test/e2e/host.e2e.ts    mocha inside the extension host, extension in development mode
# Screenshots: test-results/e2e/; run folders (profiles, logs, workspace copies): .e2e/.
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

# An interrupted run (Ctrl+C, a killed CI step) must not leave code-server groups behind.
kill_leftover_groups() {
  local file pgid
  for file in .e2e/*/code-server.pgid; do
    [ -f "$file" ] || continue
    pgid=$(cat "$file")
    if grep -qs code-server "/proc/$pgid/cmdline"; then kill -KILL -- "-$pgid" 2>/dev/null; fi
    rm -f "$file"
  done
}
trap kill_leftover_groups EXIT
trap 'exit 130' INT TERM

bash test/e2e/setup.sh >/dev/null || exit 1
npm run package --silent >/dev/null || { echo "e2e: npm run package failed" >&2; exit 1; }
mkdir -p .e2e
cp forkguard.vsix .e2e/forkguard.vsix || exit 1
rm -rf test-results/e2e

node --import tsx --test --test-concurrency=1 --test-reporter=spec test/e2e/editor.e2e.ts test/e2e/host.e2e.ts
status=$?
echo "e2e: finished in $(( $(date +%s) - started )) s (exit $status); screenshots in test-results/e2e/"
exit $status
