#!/usr/bin/env bash
# generate.sh writes data/v<major>.<minor>.json, the bootstrap RBAC policy of a
# Kubernetes release, generated from that release's own source
# (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), never typed by hand.
#
# For each version it builds a scratch Go module in the cache directory that
# requires k8s.io/kubernetes@<version> with every staging module replaced by the
# published k8s.io/<module>@v0.<minor>.<patch> (the same recipe as
# samples/lab/build-binaries.sh), copies gen.go into it and runs it. Nothing
# fetched lands in the work tree; the project's go.mod is not touched.
#
# Usage: analyze/bootstrap/generate.sh [gitVersion...]   (default: the releases below)
# Progress goes to stderr; the written file names go to stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${NSBUNDLE_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbundle-lab}
versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(v1.24.17 v1.25.16 v1.26.15 v1.27.16 v1.28.15 v1.29.15 v1.30.14 v1.31.14 v1.32.13 v1.33.13 v1.34.4 v1.35.4 v1.36.3 v1.37.2)
export GOWORK=off GOFLAGS=-mod=mod

log() { echo "bootstrap-rbac: $*" >&2; }

for v in "${versions[@]}"; do
	[[ $v =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || { log "bad version $v (want v1.MINOR.PATCH)"; exit 2; }
	minor=${BASH_REMATCH[1]}
	staging="v0.$minor.${BASH_REMATCH[2]}"
	work="$CACHE/src/bootstrap-rbac-$v"
	mkdir -p "$work"

	log "resolving k8s.io/kubernetes@$v"
	gomod=$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
	[[ -n $gomod ]] || { log "cannot download k8s.io/kubernetes@$v"; exit 1; }
	goline=$(grep -m1 '^go ' "$gomod")
	{
		echo "module nsbundle.gen/bootstraprbac"
		echo
		echo "$goline"
		echo
		echo "require k8s.io/kubernetes $v"
		echo
		echo "replace ("
		sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging"'#p' "$gomod"
		echo ")"
	} >"$work/go.mod"
	# Seed go.sum from the lab's build of the same release when there is one:
	# tidy then only adds what is missing.
	lab="$CACHE/src/k8s-$v/go.sum"
	if [[ ! -s $work/go.sum && -s $lab ]]; then cp "$lab" "$work/go.sum"; fi
	# Drop gen.go's "ignore" build constraint so tidy sees its imports.
	sed '/^\/\/go:build ignore$/d' "$here/gen.go" >"$work/main.go"

	log "go mod tidy in $work"
	(cd "$work" && go mod tidy -e >&2)
	out="$here/data/v1.$minor.json"
	mkdir -p "$here/data"
	log "go run main.go $v"
	(cd "$work" && go run ./main.go "$v") >"$out.tmp"
	mv "$out.tmp" "$out"
	log "wrote $out ($(wc -c <"$out") bytes)"
	echo "$out"
done
