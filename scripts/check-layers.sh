#!/usr/bin/env bash
# The layering rule of ARCHITECTURE.md, checked on the real dependency
# trees: the domain (parley-core) and the shared vocabulary (parley-model)
# pull in no web framework — no leptos, no axum, no server_fn — not even
# through another crate.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for crate in parley-model parley-core; do
  tree=$(cargo tree -p "$crate" -e normal,build --prefix none --format '{p}')
  bad=$(grep -E '^(leptos[a-z_-]*|axum[a-z_-]*|server_fn[a-z_-]*|tachys|reactive_graph) ' <<<"$tree" | sort -u || true)
  if [ -n "$bad" ]; then
    echo "check-layers: $crate depends on a web framework:" >&2
    echo "$bad" >&2
    status=1
  else
    echo "check-layers: $crate — $(sort -u <<<"$tree" | wc -l) crates, no leptos/axum"
  fi
done
exit $status
