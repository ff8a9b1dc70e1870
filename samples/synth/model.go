package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Names of the planted objects.
const (
	nsStuck        = "analytics"
	nsPVC          = "billing"
	metricsServer  = "metrics-server"
	metricsAPISvc  = "v1beta1.metrics.k8s.io"
	kcmName        = "kube-controller-manager"
	kcmRole        = "system:kube-controller-manager"
	pendingPVC     = "data-ledger-db-0"
	kubeSystem     = "kube-system"
	controlPlanes  = 3
	gitVersion     = "v1.37.2"
	podCIDRBase    = 10<<24 | 64<<16 // 10.64.0.0/10, a /24 per node
	nodeIPBase     = 10<<24 | 0<<16  // 10.0.0.0/16
	serviceIPBase  = 10<<24 | 96<<16 // 10.96.0.0/12
	clusterDNSAddr = serviceIPBase + 10
)

// model is the plan of the cluster: every name and cross-reference, decided
// once, so each list can then be rendered on its own.
type model struct {
	o          Options
	seed       uint64
	now        time.Time
	nodes      []nodeInfo
	namespaces []nsInfo
	deploys    []deployInfo
	daemons    []daemonInfo
	pods       []podInfo
	services   []svcInfo
	digests    map[string]string
	perNode    []int // pods planned per node, for pod IPs
	nsIdx      map[string]int32
	plan       plan
}

type nodeInfo struct {
	name string
	ip   uint32
	zone string
	cp   bool
}

type nsInfo struct {
	name    string
	team    string
	created time.Time
	system  bool
}

type deployInfo struct {
	ns, name, app string
	nsi           int32  // index in namespaces
	hash          string // pod-template-hash of the current ReplicaSet
	oldHash       string // a previous, scaled-down ReplicaSet ("" if none)
	replicas      int
	firstPod      int
	image         int
	sidecar       int // index in sidecars, -1 for none
	created       time.Time
	service       int // index in services, -1 for none
	system        bool
}

type daemonInfo struct {
	ns, name, image string
	firstPod        int
}

type podInfo struct {
	name   string
	ns     int32 // index in namespaces
	deploy int32 // index in deploys, or -1-daemon index
	node   int32
	ip     uint32
}

type svcInfo struct {
	ns, name, app string
	deploy        int
	ip            uint32
}

// newModel plans a cluster of o.Size.
func newModel(o Options) *model {
	m := &model{o: o, seed: o.Seed, now: o.Now.UTC(), digests: map[string]string{}, plan: newPlan(o.Seed)}
	for _, im := range images {
		ref := im.repo + ":" + im.tag
		m.digests[ref] = imageDigest(m.seed, ref)
	}
	for _, sc := range sidecars {
		ref := sc.repo + ":" + sc.tag
		m.digests[ref] = imageDigest(m.seed, ref)
	}
	m.planNodes()
	m.perNode = make([]int, len(m.nodes))
	m.planNamespaces()
	m.planPods()
	m.planServices()
	return m
}

func (m *model) planNodes() {
	zones := []string{"a", "b", "c"}
	for i := range m.o.Size.Nodes {
		n := nodeInfo{ip: nodeIPBase + uint32(i) + 10, zone: "eu-west-1" + zones[i%3]}
		if i < controlPlanes {
			n.cp = true
			n.name = "cp-" + strconv.Itoa(i+1)
		} else {
			n.name = "worker-" + zones[i%3] + "-" + pad5(i)
		}
		m.nodes = append(m.nodes, n)
	}
}

func pad5(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

func (m *model) planNamespaces() {
	r := m.rng(streamModel, 0)
	birth := m.ago(400 * 24 * time.Hour)
	for _, n := range []string{"default", kubeSystem, "kube-public", "kube-node-lease"} {
		m.namespaces = append(m.namespaces, nsInfo{name: n, created: birth, system: true, team: "platform"})
	}
	for _, st := range m.plan.stuck {
		team, _, _ := strings.Cut(st.name, "-")
		if st.name == nsStuck {
			team = "data"
		}
		m.namespaces = append(m.namespaces, nsInfo{name: st.name, created: m.ago(90 * 24 * time.Hour), team: team})
	}
	m.namespaces = append(m.namespaces, nsInfo{name: nsPVC, created: m.ago(200 * 24 * time.Hour), team: "payments"})
	if m.plan.has(CauseStaleEndpoint) {
		m.namespaces = append(m.namespaces, nsInfo{name: m.plan.adapterNS, created: m.ago(300 * 24 * time.Hour), team: "platform"})
	}
	for i := len(m.namespaces); i < m.o.Size.Namespaces; i++ {
		a, b := wordsA[r.IntN(len(wordsA))], wordsB[r.IntN(len(wordsB))]
		m.namespaces = append(m.namespaces, nsInfo{
			name:    a + "-" + b + "-" + strconv.Itoa(i),
			team:    a,
			created: m.ago(time.Duration(1+r.IntN(380*24)) * time.Hour),
		})
	}
}

// nsIndex returns the index of namespace name.
func (m *model) nsIndex(name string) int32 {
	if m.nsIdx == nil {
		m.nsIdx = make(map[string]int32, len(m.namespaces))
		for i, n := range m.namespaces {
			m.nsIdx[n.name] = int32(i)
		}
	}
	i, ok := m.nsIdx[name]
	if !ok {
		panic("synth: no namespace " + name)
	}
	return i
}

func (m *model) planPods() {
	r := m.rng(streamModel, 1)
	ks := m.nsIndex(kubeSystem)
	// DaemonSets in kube-system: one pod per node each.
	ds := []struct{ name, image string }{{"kube-proxy", "registry.k8s.io/kube-proxy:" + gitVersion}, {"calico-node", "quay.io/calico/node:v3.29.1"}}
	if 2*len(m.nodes) > m.o.Size.Pods/2 {
		ds = ds[:1]
	}
	for di, d := range ds {
		m.daemons = append(m.daemons, daemonInfo{ns: kubeSystem, name: d.name, image: d.image, firstPod: len(m.pods)})
		m.digests[d.image] = imageDigest(m.seed, d.image)
		for ni := range m.nodes {
			m.pods = append(m.pods, podInfo{name: d.name + "-" + suffix(r, 5), ns: ks, deploy: int32(-1 - di), node: int32(ni), ip: m.nodes[ni].ip})
		}
	}
	// System Deployments.
	// (their own random streams: the planted names do not depend on the size)
	m.addDeploy(m.rng(streamMisc, 500), deployInfo{ns: kubeSystem, name: "coredns", app: "kube-dns", replicas: 2, image: 0, sidecar: -1, system: true, created: m.ago(400 * 24 * time.Hour)})
	m.addDeploy(m.rng(streamMisc, 501), deployInfo{ns: kubeSystem, name: metricsServer, app: metricsServer, replicas: 1, image: 0, sidecar: -1, system: true, created: m.ago(120 * 24 * time.Hour)})
	// Application Deployments: 1-4 per namespace, replicas weighted.
	var apps []deployInfo
	var weights []int
	total := 0
	for ni, ns := range m.namespaces {
		if ns.system && ns.name != "default" || m.plan.stuckOf(ns.name) != nil || ns.name == "kube-system" {
			continue
		}
		for d := range 1 + r.IntN(4) {
			b := wordsB[(ni*7+d*3)%len(wordsB)]
			w := 1 + r.IntN(9)
			apps = append(apps, deployInfo{ns: ns.name, name: b + "-" + strconv.Itoa(d), app: b, image: r.IntN(len(images)),
				sidecar: r.IntN(len(sidecars)+1) - 1, created: ns.created.Add(time.Duration(r.IntN(48)) * time.Hour)})
			weights = append(weights, w)
			total += w
		}
	}
	budget := m.o.Size.Pods - len(m.pods)
	given := 0
	for i := range apps {
		apps[i].replicas = budget * weights[i] / total
		given += apps[i].replicas
	}
	for i := 0; given < budget; i = (i + 1) % len(apps) {
		apps[i].replicas++
		given++
	}
	for _, d := range apps {
		m.addDeploy(r, d)
	}
}

// addDeploy plans a Deployment and its pods, spread over the worker nodes.
func (m *model) addDeploy(r *rand.Rand, d deployInfo) {
	d.hash = suffix(r, 10)
	if r.IntN(3) == 0 {
		d.oldHash = suffix(r, 10)
	}
	d.firstPod = len(m.pods)
	d.service = -1
	ns := m.nsIndex(d.ns)
	d.nsi = ns
	workers := len(m.nodes) - controlPlanes
	for range d.replicas {
		node := controlPlanes + r.IntN(workers)
		m.perNode[node]++
		m.pods = append(m.pods, podInfo{
			name: d.name + "-" + d.hash + "-" + suffix(r, 5), ns: ns, deploy: int32(len(m.deploys)),
			node: int32(node), ip: podCIDRBase + uint32(node)<<8 + 2 + uint32(m.perNode[node]%250),
		})
	}
	m.deploys = append(m.deploys, d)
}

// planServices gives Services (one EndpointSlice each) to Deployments,
// spread evenly: the system ones first.
func (m *model) planServices() {
	m.services = append(m.services, svcInfo{ns: "default", name: "kubernetes", deploy: -1, ip: serviceIPBase + 1})
	apps := 0
	for i := range m.deploys {
		if !m.deploys[i].system {
			apps++
		}
	}
	want := m.o.Size.EndpointSlices - 3
	if m.plan.has(CauseStaleEndpoint) {
		want--
	}
	seen := 0
	for i := range m.deploys {
		d := &m.deploys[i]
		take := d.system
		if !d.system {
			take = (seen+1)*want/apps > seen*want/apps
			seen++
		}
		if !take {
			continue
		}
		name := d.app
		if !d.system {
			name = d.name
		}
		ip := serviceIPBase + 100 + uint32(len(m.services))
		if d.app == "kube-dns" {
			ip = clusterDNSAddr
		}
		d.service = len(m.services)
		m.services = append(m.services, svcInfo{ns: d.ns, name: name, app: d.app, deploy: i, ip: ip})
	}
	if m.plan.has(CauseStaleEndpoint) {
		m.services = append(m.services, svcInfo{ns: m.plan.adapterNS, name: adapterService, deploy: -1, ip: serviceIPBase + 100 + uint32(len(m.services))})
	}
}
