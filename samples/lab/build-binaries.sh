#!/usr/bin/env bash
# build-binaries.sh builds the lab's real control plane from the Go module proxy
# and caches it: etcd, kube-apiserver, kube-controller-manager, kubectl, and
# nsbundle-lab-ccm (the route controller of k8s.io/cloud-provider against an
# in-memory cloud; source: $CCM_DIR, by default ccm/ beside this script: main.go
# plus route_error.go or route_plain.go, whichever matches the version's
# route.New).
#
# Kubernetes is built from k8s.io/kubernetes@$K8S_VERSION with every staging
# module (which its go.mod points at ./staging/...) replaced by the published
# module of the matching v0.x version; nsbundle-lab-ccm is built in that same
# module. etcd is built from go.etcd.io/etcd/server/v3 in a module of its own
# so the two dependency graphs never meet. The project's own go.mod stays free
# of both. Only what is missing (or, for nsbundle-lab-ccm, built from another
# source) is built. The binary directory is named after both versions;
# nsbundle-lab-ccm.src records which ccm source (hash) and route file built it.
#
# Prints the binary directory on stdout; progress goes to stderr.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.7.0}
CACHE=${NSBUNDLE_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsbundle-lab}
# The lab-ccm source sits beside this script: samples/lab/ccm/ in the
# repository, or the copy lab.Binaries writes next to its copy of the script.
CCM_DIR=${CCM_DIR:-$(cd "$(dirname "$0")" && pwd)/ccm}
OUT="$CACHE/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
KUBE_BINS=(kube-apiserver kube-controller-manager kubectl)

ccm_sum=$(cat "$CCM_DIR/main.go" "$CCM_DIR/route_error.go" "$CCM_DIR/route_plain.go" | sha256sum | cut -c1-16)
need_kube=false need_ccm=false need_etcd=false
for b in "${KUBE_BINS[@]}"; do [[ -x "$OUT/$b" ]] || need_kube=true; done
[[ -x "$OUT/nsbundle-lab-ccm" && "$(head -1 "$OUT/nsbundle-lab-ccm.src" 2>/dev/null)" == "$ccm_sum" ]] || need_ccm=true
[[ -x "$OUT/etcd" ]] || need_etcd=true
if ! $need_kube && ! $need_ccm && ! $need_etcd; then
	echo "$OUT"
	exit 0
fi

log() { echo "lab-build: $*" >&2; }
staging_minor=${K8S_VERSION#v1.}      # 37.2
staging_version="v0.$staging_minor"   # v0.37.2
work="$CACHE/src/k8s-$K8S_VERSION"
ework="$CACHE/src/etcd-$ETCD_VERSION"
mkdir -p "$OUT" "$work" "$ework"
start=$(date +%s)

log "resolving k8s.io/kubernetes@$K8S_VERSION"
gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
goline=$(grep -m1 '^go ' "$gomod")

# --- Kubernetes -----------------------------------------------------------
if $need_kube || $need_ccm; then
	{
		echo "module nsbundle.lab/k8s"
		echo
		echo "$goline"
		echo
		echo "require k8s.io/kubernetes $K8S_VERSION"
		echo
		echo "replace ("
		sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging_version"'#p' "$gomod"
		echo ")"
	} >"$work/go.mod"
	cat >"$work/tools.go" <<'GO'
//go:build tools

// Package tools pins the lab's binaries.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
	rm -rf "$work/ccm"
	mkdir -p "$work/ccm"
	sed '/^\/\/go:build ignore$/d' "$CCM_DIR/main.go" >"$work/ccm/main.go"
	(cd "$work" && log "go mod tidy (kubernetes)" && GOFLAGS=-mod=mod go mod tidy -e >&2)
	# route.New returns (controller, error) in newer k8s.io/cloud-provider
	# versions, the controller alone in older ones (v0.30, v0.31).
	cp_dir=$(cd "$work" && go list -m -f '{{.Dir}}' k8s.io/cloud-provider)
	if tr -d '\n' <"$cp_dir/controllers/route/route_controller.go" | grep -q 'func New([^)]*) (\*RouteController, error)'; then
		route_src=route_error.go
	else
		route_src=route_plain.go
	fi
	sed '/^\/\/go:build ignore$/d' "$CCM_DIR/$route_src" >"$work/ccm/$route_src"

	ldflags="-s -w"
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${staging_minor%%.*}"
		ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
	done
	if $need_kube; then
		for b in "${KUBE_BINS[@]}"; do
			log "go build $b"
			(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b" >&2)
			mv "$OUT/$b.tmp" "$OUT/$b"
		done
	fi
	log "go build nsbundle-lab-ccm (with $route_src)"
	(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$OUT/nsbundle-lab-ccm.tmp" ./ccm >&2)
	mv "$OUT/nsbundle-lab-ccm.tmp" "$OUT/nsbundle-lab-ccm"
	printf '%s\n%s\n' "$ccm_sum" "$route_src (k8s.io/cloud-provider $(cd "$work" && go list -m -f '{{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}' k8s.io/cloud-provider))" >"$OUT/nsbundle-lab-ccm.src"
fi

# --- etcd -----------------------------------------------------------------
# etcd does not depend on the Kubernetes version: reuse one already built.
if $need_etcd; then
	for e in "$CACHE"/bin/k8s-*-etcd-"$ETCD_VERSION"/etcd; do
		if [[ -x $e && $e != "$OUT/etcd" ]]; then
			log "etcd $ETCD_VERSION from $(dirname "$e")"
			cp "$e" "$OUT/etcd.tmp" && mv "$OUT/etcd.tmp" "$OUT/etcd" && need_etcd=false
			break
		fi
	done
fi
if $need_etcd; then
	cat >"$ework/go.mod" <<GOMOD
module nsbundle.lab/etcd

$goline

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
	mkdir -p "$ework/etcd"
	cat >"$ework/etcd/main.go" <<'GO'
// Command etcd is the lab's etcd server.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
	(cd "$ework" && log "go mod tidy (etcd)" && GOFLAGS=-mod=mod go mod tidy -e >&2)
	log "go build etcd"
	(cd "$ework" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" ./etcd >&2)
	mv "$OUT/etcd.tmp" "$OUT/etcd"
fi

log "built in $(( $(date +%s) - start ))s into $OUT"
echo "$OUT"
