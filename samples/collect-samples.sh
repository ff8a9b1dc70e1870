#!/usr/bin/env bash
# collect-samples.sh re-creates samples/<scenario>.tgz: for each lab scenario it
# starts the real control plane in a private network namespace, builds the
# broken state, and runs `nsbundle collect` against it (inside the namespace),
# adding the components' log files as a self-managed host would (--log).
#
# usage: samples/collect-samples.sh BIN [SCENARIO...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:?usage: collect-samples.sh BIN [SCENARIO...]}")
shift
scenarios=("$@")
if ((${#scenarios[@]} == 0)); then
	mapfile -t scenarios < <(go run ./samples/lab/cmd/nsbundle-lab list)
fi
for s in "${scenarios[@]}"; do
	echo "samples: $s" >&2
	go run ./samples/lab/cmd/nsbundle-lab run "$s" -- bash -c '
		logs=()
		IFS=, read -ra kv <<<"${NSBUNDLE_LAB_LOGS:-}"
		for x in "${kv[@]}"; do [[ -n $x ]] && logs+=(--log "$x"); done
		exec "$0" collect --quiet --force --max-log-bytes 131072 -o "$1" "${logs[@]}"
	' "$bin" "samples/$s.tgz" || echo "samples: $s: collect exited $?" >&2
	ls -l "samples/$s.tgz" >&2
done
