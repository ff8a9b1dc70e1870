# nsbundle — `make` (or `make help`) lists the targets.
SHELL := bash
GO ?= go
BIN ?= bin/nsbundle
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/nsbundle/nsbundle/cmd/nsbundle/app.Version=$(VERSION)
FUZZTIME ?= 2m
SIZE ?= small
OUT ?= /tmp/nsbundle-synth-$(SIZE).tgz

.DEFAULT_GOAL := help

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build bin/nsbundle (and bin/kubectl-nsbundle, the kubectl plugin)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nsbundle
	cp $(BIN) bin/kubectl-nsbundle

test: vet integration integration-v1.30 unit ## Everything CI runs: vet, the lab (real control plane) tests on v1.37 and v1.30, then the unit tests

vet: ## go vet and gofmt check
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }

unit: ## Unit tests only (-short: no lab)
	$(GO) test -short -count=1 ./...

integration: lab-binaries ## Lab tests: etcd, kube-apiserver, kube-controller-manager in a private network namespace
	$(GO) test -count=1 -p 1 -timeout 75m -run '^TestIntegration' $$(grep -rl --include='*_test.go' '^func TestIntegration' . | xargs -n1 dirname | sort -u)

# The older control plane CI also runs: the seed scenarios and those whose
# outcome differs by version (samples/lab/README.md), the bootstrap policy,
# and collect from the seed scenarios.
OLD_K8S ?= v1.30.14
OLD_RUN := ^TestIntegration(Scenarios|RBACDeleted|FailedDiscoveryCheck|BootstrapPolicy|CollectScenarios)$$/^(healthy|spec-finalizer|failed-discovery-check|rbac-deleted-clusterrole|rbac-deleted-binding|rbac-deleted-discovery|kcm-expired-cert|conversion-webhook)$$
integration-v1.30: ## Lab tests on a v1.30.14 control plane (OLD_K8S): seed and version-specific scenarios
	@K8S_VERSION=$(OLD_K8S) bash samples/lab/build-binaries.sh >/dev/null
	K8S_VERSION=$(OLD_K8S) $(GO) test -count=1 -p 1 -timeout 30m -run '$(OLD_RUN)' ./samples/lab ./analyze/bootstrap ./collect

lab-binaries: ## Build (or reuse the cached) lab binaries from the Go module proxy
	@bash samples/lab/build-binaries.sh >/dev/null

samples: build lab-binaries ## Re-collect every sample bundle from the lab and regenerate the golden analyses
	bash samples/collect-samples.sh $(BIN)
	$(GO) test ./analyze/... -run TestSamples -update

V130_SEEDS := healthy failed-discovery-check rbac-deleted-clusterrole spec-finalizer rbac-deleted-binding kcm-expired-cert
samples-v1.30: build ## Re-collect the v1.30.14 samples in samples/v1.30/ (the seed scenarios) and their goldens
	K8S_VERSION=v1.30.14 bash samples/lab/build-binaries.sh >/dev/null
	K8S_VERSION=v1.30.14 SAMPLES_DIR=samples/v1.30 bash samples/collect-samples.sh $(BIN) $(V130_SEEDS)
	$(GO) test ./analyze/... -run TestSamples -update

golden: ## Regenerate golden outputs from the committed samples
	$(GO) test $$(grep -rl --include='*_test.go' 'flag.Bool("update"' analyze cmd | xargs -n1 dirname | sort -u | sed 's|^|./|') -run 'TestSamples|TestGolden|TestREADME' -update

fuzz: ## Run every fuzz target for FUZZTIME (default 2m) each
	@for t in $$(grep -rho --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/func //' | sort -u); do \
		pkg=$$(grep -rl --include='*_test.go' "^func $$t(" . | head -1 | xargs dirname); \
		echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -timeout 0 $$pkg || exit 1; \
	done

synth: ## Write a synthetic bundle: make synth SIZE=small|large OUT=path.tgz (seeded, deterministic)
	$(GO) run ./samples/synth/cmd/nsbundle-synth -size $(SIZE) -out $(OUT) -force

bench: ## Benchmarks (go test -bench, with -benchmem)
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-large: ## The 5,000-node / 150,000-pod analyze benchmark (generates the synthetic bundle once into the cache)
	NSBUNDLE_SYNTH_LARGE=cache $(GO) test -run '^$$' -bench AnalyzeLarge -benchmem -benchtime 3x ./samples/synth

bootstrap-rbac: ## Regenerate the embedded bootstrap RBAC lists from the Kubernetes source
	bash analyze/bootstrap/generate.sh

readme: ## Regenerate the README's flag tables from the real flags
	$(GO) test ./cmd/... -run TestREADME -update

.PHONY: help build test vet unit integration integration-v1.30 lab-binaries samples samples-v1.30 golden fuzz synth bench bench-large bootstrap-rbac readme
