#!/usr/bin/env bash
# collect-samples.sh re-creates samples/<scenario>.tgz: for each lab scenario it
# starts the real control plane in a private network namespace, builds the
# broken state, and runs `nsbundle collect` against it (inside the namespace),
# adding the components' log files as a self-managed host would (--log) and
# kube-apiserver's audit log (--audit-log; the lab's policy logs RBAC,
# APIService, Service and webhook configuration changes at Metadata, so the
# RBAC samples name the user who deleted the objects).
#
# Each scenario settles for SETTLE seconds (default 70) before the collection,
# as a real cluster would have by the time a ticket is opened: leases go stale,
# a crash-looping controller-manager restarts a few more times.
#
# K8S_VERSION (default v1.37.2) chooses the control plane's version; bundles go
# to $SAMPLES_DIR (default samples), e.g.
#   K8S_VERSION=v1.30.14 SAMPLES_DIR=samples/v1.30 samples/collect-samples.sh bin/nsbundle healthy
#
# usage: samples/collect-samples.sh BIN [SCENARIO...]
set -euo pipefail
settle=${SETTLE:-70}
cd "$(dirname "$0")/.."
out=${SAMPLES_DIR:-samples}
mkdir -p "$out"
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
		sleep "$2"
		exec "$0" collect --quiet --force --max-log-bytes 131072 \
			--audit-log "$NSBUNDLE_LAB_AUDIT" --max-audit-bytes 262144 -o "$1" "${logs[@]}"
	' "$bin" "$out/$s.tgz" "$settle" || echo "samples: $s: exited $?" >&2
	chmod 0644 "$out/$s.tgz" 2>/dev/null || echo "samples: $s: no bundle written" >&2
done
