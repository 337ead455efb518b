#!/usr/bin/env bash
# Prints the size of each shipped wasm/js/css file in dist/, raw and gzip -9, and checks the
# total gzip size against the budget (KB). Exits non-zero when over budget.
set -euo pipefail
dist="${1:-dist}"; budget_kb="${2:-400}"
total_raw=0; total_gz=0
printf '%-44s %10s %10s\n' file raw gzip
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  [[ -e "$f" ]] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-44s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-44s %10d %10d\n' total "$total_raw" "$total_gz"
budget=$((budget_kb * 1024))
if (( total_gz > budget )); then
  echo "size: over budget: ${total_gz} B gzip > ${budget_kb} KB" >&2; exit 1
fi
echo "size: within budget (${total_gz} B gzip <= ${budget_kb} KB)"
