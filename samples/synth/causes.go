package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Cause is a kind of root cause synth can plant.
type Cause string

// The causes synth plants. Each is what a lab sample shows, at the size and
// under the names of the synthetic cluster.
const (
	// CauseMetricsCrashLoop: metrics-server crash-loops on a mistyped flag,
	// so APIService v1beta1.metrics.k8s.io has no endpoints and the
	// discovery of metrics.k8s.io/v1beta1 fails, which keeps every
	// Terminating namespace (as samples/missing-endpoints.tgz).
	CauseMetricsCrashLoop Cause = "metrics-crashloop"
	// CauseKCMClusterRole: bootstrap ClusterRole
	// system:kube-controller-manager deleted, the controller-manager
	// crash-looping on it and a claim Pending meanwhile (as
	// samples/rbac-deleted-clusterrole.tgz).
	CauseKCMClusterRole Cause = "kcm-clusterrole"
	// CauseSpecFinalizer: a namespace whose spec.finalizers keeps an entry
	// its controller, gone, never removes (as samples/spec-finalizer.tgz).
	CauseSpecFinalizer Cause = "spec-finalizer"
	// CauseContentFinalizer: ConfigMaps left in a deleted namespace carry a
	// finalizer whose controller is absent (as
	// samples/metadata-finalizer.tgz).
	CauseContentFinalizer Cause = "content-finalizer"
	// CauseWebhookService: a validating webhook (failurePolicy Fail) on
	// ConfigMap deletes whose Service was removed with its add-on, so the
	// namespace controller cannot delete a namespace's ConfigMaps (as
	// samples/admission-webhook.tgz).
	CauseWebhookService Cause = "webhook-service"
	// CauseStaleEndpoint: APIService v1beta1.external.metrics.k8s.io
	// points at a Service without selector whose hand-written
	// EndpointSlice lists the address of a machine that is gone, so the
	// aggregator's discovery check times out and the discovery of
	// external.metrics.k8s.io/v1beta1 fails (as
	// samples/failed-discovery-check.tgz, the address no pod's).
	CauseStaleEndpoint Cause = "stale-endpoint"
)

// Causes are every cause synth can plant, in the order Plan lists them.
var Causes = []Cause{CauseMetricsCrashLoop, CauseKCMClusterRole, CauseSpecFinalizer, CauseContentFinalizer, CauseWebhookService, CauseStaleEndpoint}

// Planted is one root cause planted in a bundle and what analyze must report
// for it.
type Planted struct {
	Cause Cause
	// Signature is the root-cause signature triage must group the bundle
	// under (rule ID, root kind, root name with cluster-specific parts
	// reduced: see analyze.Signature), written out by hand, not computed
	// by analyze.
	Signature string
	// Root is the root cause as analyze names it: "Kind/[namespace/]name".
	Root string
	// Blocks are the symptoms the cause holds, "Kind/[namespace/]name", in
	// name order: every finding rooted at Root has one of them as its
	// symptom, the others as what else it affects.
	Blocks []string
	// Links are the finding's chain after its symptom, Root last: every
	// link a support engineer should see, and no other.
	Links []string
}

// Names of the planted objects that do not vary.
const (
	specFinalizer    = "tenants.example.com/cleanup"
	contentFinalizer = "archiver.example.com/protect"
	webhookConfig    = "policy-guard"
	webhookName      = "configmap-guard.policy.example.com"
	webhookService   = "policy-webhook"
	adapterService   = "external-metrics-adapter"
	externalGV       = "external.metrics.k8s.io/v1beta1"
	metricsGV        = "metrics.k8s.io/v1beta1"
	adapterPort      = 6443
)

// stuckNS is a planted Terminating namespace.
type stuckNS struct {
	name  string
	cause Cause
	// stuckFor is how long ago it was deleted.
	stuckFor time.Duration
}

// plan is what a seed plants.
type plan struct {
	causes map[Cause]bool
	stuck  []stuckNS
	// webhookNS is the namespace of the webhook's missing Service.
	webhookNS string
	// adapterNS and adapterIP are the namespace of the external metrics
	// adapter's Service and the gone machine's address.
	adapterNS string
	adapterIP uint32
}

// namespace environments, for planted namespace names (team-env).
var envs = []string{"dev", "staging", "qa", "preview", "sandbox", "perf", "legacy"}

// newPlan chooses what seed plants: seed 1 plants the classic two causes
// (metrics-server in "analytics", the controller-manager's ClusterRole),
// which the README's benchmarks measure; any other seed a subset of Causes,
// any subset as likely (none at all is a healthy cluster), under names of
// its own.
func newPlan(seed uint64) plan {
	p := plan{causes: map[Cause]bool{}}
	if seed == 1 {
		p.causes[CauseMetricsCrashLoop], p.causes[CauseKCMClusterRole] = true, true
		p.stuck = []stuckNS{{name: nsStuck, cause: CauseMetricsCrashLoop, stuckFor: stuckFor}}
		return p
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed0fca05e5))
	mask := r.IntN(1 << len(Causes))
	used := map[string]bool{nsPVC: true}
	for i, c := range Causes {
		if mask&(1<<i) == 0 {
			continue
		}
		p.causes[c] = true
		if c == CauseKCMClusterRole {
			continue // no namespace of its own
		}
		name := ""
		for name == "" || used[name] {
			name = wordsB[r.IntN(len(wordsB))] + "-" + envs[r.IntN(len(envs))]
		}
		used[name] = true
		// Deleted after metrics-server broke (35 h ago) and before the
		// controller-manager did (minutes ago).
		p.stuck = append(p.stuck, stuckNS{name: name, cause: c, stuckFor: time.Duration(2+r.IntN(30))*time.Hour + time.Duration(r.IntN(3600))*time.Second})
	}
	p.webhookNS = []string{"webhook-system", "policy-system", "security", "gatekeeper-system"}[r.IntN(4)]
	if p.has(CauseStaleEndpoint) {
		p.adapterNS = []string{"monitoring", "metrics", "platform-metrics"}[r.IntN(3)]
		p.adapterIP = 10<<24 | 20<<16 | uint32(1+r.IntN(250))<<8 | uint32(1+r.IntN(250))
	}
	return p
}

// failingGVs are the group-versions whose discovery fails, sorted.
func (p plan) failingGVs() []string {
	var out []string
	if p.has(CauseStaleEndpoint) {
		out = append(out, externalGV)
	}
	if p.has(CauseMetricsCrashLoop) {
		out = append(out, metricsGV)
	}
	return out
}

// has reports whether the plan plants c.
func (p plan) has(c Cause) bool { return p.causes[c] }

// stuckOf returns the planted Terminating namespace called name, or nil.
func (p plan) stuckOf(name string) *stuckNS {
	for i := range p.stuck {
		if p.stuck[i].name == name {
			return &p.stuck[i]
		}
	}
	return nil
}

// nsFor returns the namespace planted for cause c ("" if none).
func (p plan) nsFor(c Cause) string {
	for _, s := range p.stuck {
		if s.cause == c {
			return s.name
		}
	}
	return ""
}

// planted lists what m plants, in the order of Causes.
func (m *model) planted() []Planted {
	var all []string
	for _, s := range m.plan.stuck {
		all = append(all, "Namespace/"+s.name)
	}
	slices.Sort(all)
	var out []Planted
	for _, c := range Causes {
		if !m.plan.has(c) {
			continue
		}
		ns := m.plan.nsFor(c)
		p := Planted{Cause: c, Blocks: []string{"Namespace/" + ns}}
		switch c {
		case CauseMetricsCrashLoop:
			// Failed discovery keeps every Terminating namespace.
			p.Signature, p.Root, p.Blocks = "NSB-POD-001 Pod/metrics-server-<hash>-<id>", "Pod/"+kubeSystem+"/"+m.pods[m.metricsPod()].name, all
			p.Links = []string{"GroupVersion/" + metricsGV, "APIService/" + metricsAPISvc, "Service/" + kubeSystem + "/" + metricsServer}
		case CauseKCMClusterRole:
			p.Signature, p.Root = "NSB-KCM-002 ClusterRole/"+kcmRole, "ClusterRole/"+kcmRole
			p.Blocks = []string{"Component/" + kcmName, "PersistentVolumeClaim/" + nsPVC + "/" + pendingPVC}
		case CauseSpecFinalizer:
			p.Signature, p.Root = "NSB-NS-005 Finalizer/"+specFinalizer, "Finalizer/"+specFinalizer
		case CauseContentFinalizer:
			p.Signature, p.Root = "NSB-FIN-001 Finalizer/"+contentFinalizer, "Finalizer/"+ns+"/"+contentFinalizer
		case CauseWebhookService:
			p.Signature, p.Root = "NSB-WH-001 Service/"+webhookService, "Service/"+m.plan.webhookNS+"/"+webhookService
			p.Links = []string{"ValidatingWebhookConfiguration/" + webhookConfig}
		case CauseStaleEndpoint:
			p.Signature = "NSB-EP-001 Endpoint/<ip>:" + strconv.Itoa(adapterPort)
			p.Root, p.Blocks = "Endpoint/"+m.plan.adapterNS+"/"+ipv4(m.plan.adapterIP)+":"+strconv.Itoa(adapterPort), all
			p.Links = []string{"GroupVersion/" + externalGV, "APIService/v1beta1.external.metrics.k8s.io"}
		}
		p.Links = append(p.Links, p.Root)
		out = append(out, p)
	}
	return out
}

// Plan returns the causes Generate plants with o, in the order of Causes:
// none for a healthy cluster.
func Plan(o Options) []Planted {
	if o.Now.IsZero() {
		o.Now = DefaultNow
	}
	return newModel(o).planted()
}

// CoveringSeeds returns seeds 1..n, then the first seeds past n that add
// what 1..n lack: a cause none of them plants, a healthy cluster. Their
// bundles plant every cause.
func CoveringSeeds(n int) []uint64 {
	var seeds []uint64
	seen := map[Cause]bool{}
	healthy := false
	for s := uint64(1); len(seeds) < n || len(seen) < len(Causes) || !healthy; s++ {
		p := newPlan(s)
		adds := len(p.causes) == 0 && !healthy
		for c := range p.causes {
			adds = adds || !seen[c]
		}
		if len(seeds) >= n && !adds {
			continue
		}
		seeds = append(seeds, s)
		healthy = healthy || len(p.causes) == 0
		for c := range p.causes {
			seen[c] = true
		}
	}
	return seeds
}
