package snapshot

import "strings"

// index holds lookups built once after loading.
type index struct {
	namespaces  map[string]*Namespace
	apiServices map[string]*APIService
	services    map[key]*Service
	endpoints   map[key]*Endpoints
	slices      map[key][]*EndpointSlice
	pods        map[key]*Pod
	podsByIP    map[string][]*Pod
	nodes       map[string]*Node
	leases      map[key]*Lease
	crds        map[string]*CustomResourceDefinition
	workloads   map[key]*Workload
}

// key is a lookup key: a namespace (or a workload's kind) and a name. A
// struct, not "ns/name", so that indexing 150,000 pods allocates no key.
type key struct{ ns, name string }

func nsKey(ns, name string) key { return key{ns, name} }

// Reindex rebuilds the lookups (Namespace, Pod, SlicesFor...) from the
// lists. Lookups index the lists on first use, so a snapshot only needs
// Reindex when its lists change after a lookup; it must not run
// concurrently with lookups.
func (s *Snapshot) Reindex() { s.index = s.newIndex() }

// ix returns the lookups, building them on first use.
func (s *Snapshot) ix() *index {
	s.indexOnce.Do(func() {
		if s.index == nil {
			s.index = s.newIndex()
		}
	})
	return s.index
}

// newIndex builds every lookup.
func (s *Snapshot) newIndex() *index {
	ix := &index{
		namespaces:  make(map[string]*Namespace, len(s.Namespaces)),
		apiServices: make(map[string]*APIService, len(s.APIServices)),
		services:    make(map[key]*Service, len(s.Services)),
		endpoints:   make(map[key]*Endpoints, len(s.Endpoints)),
		slices:      make(map[key][]*EndpointSlice, len(s.EndpointSlices)),
		pods:        make(map[key]*Pod, len(s.Pods)),
		podsByIP:    make(map[string][]*Pod, len(s.Pods)),
		nodes:       make(map[string]*Node, len(s.Nodes)),
		leases:      make(map[key]*Lease, len(s.Leases)),
		crds:        make(map[string]*CustomResourceDefinition, len(s.CRDs)),
		workloads:   make(map[key]*Workload, len(s.Workloads)),
	}
	for _, o := range s.Namespaces {
		ix.namespaces[o.Name] = o
	}
	for _, o := range s.APIServices {
		ix.apiServices[o.Name] = o
	}
	for _, o := range s.Services {
		ix.services[nsKey(o.Namespace, o.Name)] = o
	}
	for _, o := range s.Endpoints {
		ix.endpoints[nsKey(o.Namespace, o.Name)] = o
	}
	for _, o := range s.EndpointSlices {
		k := nsKey(o.Namespace, o.ServiceName())
		ix.slices[k] = append(ix.slices[k], o)
	}
	for _, o := range s.Pods {
		ix.pods[nsKey(o.Namespace, o.Name)] = o
		if o.Status.PodIP != "" {
			ix.podsByIP[o.Status.PodIP] = append(ix.podsByIP[o.Status.PodIP], o)
		}
		for _, ip := range o.Status.PodIPs {
			if ip.IP != "" && ip.IP != o.Status.PodIP {
				ix.podsByIP[ip.IP] = append(ix.podsByIP[ip.IP], o)
			}
		}
	}
	for _, o := range s.Nodes {
		ix.nodes[o.Name] = o
	}
	for _, o := range s.Leases {
		ix.leases[nsKey(o.Namespace, o.Name)] = o
	}
	for _, o := range s.CRDs {
		ix.crds[o.Name] = o
	}
	for _, o := range s.Workloads {
		ix.workloads[workloadKey(o.Kind, o.Namespace, o.Name)] = o
	}
	return ix
}

// Namespace returns the namespace named name, or nil.
func (s *Snapshot) Namespace(name string) *Namespace { return s.ix().namespaces[name] }

// APIService returns the APIService named name (e.g. "v1beta1.metrics.k8s.io").
func (s *Snapshot) APIService(name string) *APIService { return s.ix().apiServices[name] }

// Service returns a Service, or nil.
func (s *Snapshot) Service(ns, name string) *Service { return s.ix().services[nsKey(ns, name)] }

// EndpointsFor returns the Endpoints object of a Service, or nil.
func (s *Snapshot) EndpointsFor(ns, name string) *Endpoints {
	return s.ix().endpoints[nsKey(ns, name)]
}

// SlicesFor returns the EndpointSlices of a Service.
func (s *Snapshot) SlicesFor(ns, name string) []*EndpointSlice {
	return s.ix().slices[nsKey(ns, name)]
}

// Pod returns a pod, or nil.
func (s *Snapshot) Pod(ns, name string) *Pod { return s.ix().pods[nsKey(ns, name)] }

// PodsByIP returns the pods that have ip.
func (s *Snapshot) PodsByIP(ip string) []*Pod { return s.ix().podsByIP[ip] }

// Node returns a node, or nil.
func (s *Snapshot) Node(name string) *Node { return s.ix().nodes[name] }

// Lease returns a lease, or nil.
func (s *Snapshot) Lease(ns, name string) *Lease { return s.ix().leases[nsKey(ns, name)] }

// CRD returns the CRD named "<plural>.<group>", or nil.
func (s *Snapshot) CRD(name string) *CustomResourceDefinition { return s.ix().crds[name] }

// CRDByKind returns the CRD serving kind in group, or nil.
func (s *Snapshot) CRDByKind(group, kind string) *CustomResourceDefinition {
	for _, c := range s.CRDs {
		if c.Spec.Group == group && c.Spec.Names.Kind == kind {
			return c
		}
	}
	return nil
}

// Workload returns a workload by kind, namespace and name, or nil.
func (s *Snapshot) Workload(kind, ns, name string) *Workload {
	return s.ix().workloads[workloadKey(kind, ns, name)]
}

// PodsMatching returns the pods of ns whose labels match selector (an empty
// selector matches nothing, as for a Service).
func (s *Snapshot) PodsMatching(ns string, selector map[string]string) []*Pod {
	if len(selector) == 0 {
		return nil
	}
	var out []*Pod
	for _, p := range s.Pods {
		if p.Namespace != ns {
			continue
		}
		ok := true
		for k, v := range selector {
			if p.Labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

// PodsInNamespace returns the pods of a namespace.
func (s *Snapshot) PodsInNamespace(ns string) []*Pod {
	var out []*Pod
	for _, p := range s.Pods {
		if p.Namespace == ns {
			out = append(out, p)
		}
	}
	return out
}

// EventsFor returns the events about an object, oldest first as stored.
func (s *Snapshot) EventsFor(kind, ns, name string) []*Event {
	var out []*Event
	for _, e := range s.Events {
		if e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && e.InvolvedObject.Namespace == ns {
			out = append(out, e)
		}
	}
	return out
}

// LogsOf returns the logs of a component, current before previous.
func (s *Snapshot) LogsOf(component string) []*Log {
	var out []*Log
	for _, l := range s.Logs {
		if l.Component == component {
			out = append(out, l)
		}
	}
	return out
}

// ComponentOf guesses the control-plane component a pod or container name
// belongs to ("" if none).
func ComponentOf(names ...string) string {
	for _, n := range names {
		for _, c := range knownComponents {
			if strings.HasPrefix(n, c) || strings.Contains(n, "-"+c) || n == c {
				return c
			}
		}
	}
	return ""
}

// knownComponents, longest first where one is a prefix of another.
var knownComponents = []string{
	"kube-controller-manager", "cloud-controller-manager", "kube-apiserver",
	"kube-scheduler", "metrics-server", "etcd",
}

// workloadKey is a workload's lookup key: its kind with its namespace.
func workloadKey(kind, ns, name string) key { return key{kind + "/" + ns, name} }
