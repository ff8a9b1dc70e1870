package snapshottest

import (
	"cmp"
	"path"
	"time"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// Elem appends a zero element to *list and returns it, for the lists of
// the model whose element type has no name (a pod's containers, an
// EndpointSlice's endpoints, Endpoints subsets):
//
//	c := snapshottest.Elem(&pod.Spec.Containers)
//	c.Name = "main"
func Elem[T any](list *[]T) *T {
	var zero T
	*list = append(*list, zero)
	return &(*list)[len(*list)-1]
}

// Alloc sets *p to a new zero value and returns it, for the model's
// pointers to types without a name (a container state's Waiting):
//
//	snapshottest.Alloc(&st.Waiting).Reason = "CrashLoopBackOff"
func Alloc[T any](p **T) *T {
	*p = new(T)
	return *p
}

// Cond is a status condition.
func Cond(typ, status, reason, msg string) snapshot.Condition {
	return snapshot.Condition{Type: typ, Status: status, Reason: reason, Message: msg}
}

// NamespaceConds returns the five namespace deletion conditions in their
// healthy form ("False"), each replaced by the condition of bad with the
// same type.
func NamespaceConds(bad ...snapshot.Condition) []snapshot.Condition {
	out := []snapshot.Condition{
		Cond("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
		Cond("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
		Cond("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
		Cond("NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"),
		Cond("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
	}
	for i, c := range out {
		for _, x := range bad {
			if x.Type == c.Type {
				out[i] = x
			}
		}
	}
	return out
}

// Meta is the metadata of an object named ns/name ("" ns: cluster-scoped),
// with the UID the fixtures use.
func Meta(ns, name string) snapshot.Object {
	return snapshot.Object{Meta: snapshot.Meta{Name: name, Namespace: ns, UID: "uid-" + ns + "-" + name}}
}

// Namespace adds an Active namespace whose spec.finalizers holds
// "kubernetes".
func (b *Builder) Namespace(name string) *snapshot.Namespace {
	ns := &snapshot.Namespace{Object: Meta("", name)}
	ns.Spec.Finalizers = []string{"kubernetes"}
	ns.Status.Phase = "Active"
	b.add(ns)
	return ns
}

// Terminating adds a namespace deleted d before collection, in phase
// Terminating, with these conditions.
func (b *Builder) Terminating(name string, d time.Duration, conds ...snapshot.Condition) *snapshot.Namespace {
	ns := b.Namespace(name)
	ns.DeletionTimestamp = b.Ago(d)
	ns.Status.Phase = "Terminating"
	ns.Status.Conditions = conds
	return ns
}

// Node adds a node with these conditions and an AWS providerID.
func (b *Builder) Node(name string, conds ...snapshot.Condition) *snapshot.Node {
	n := &snapshot.Node{Object: Meta("", name)}
	n.Spec.ProviderID = "aws:///eu-west-1a/i-0" + name
	n.Status.Conditions = conds
	b.add(n)
	return n
}

// ReadyNode adds a Ready node whose route was created.
func (b *Builder) ReadyNode(name string) *snapshot.Node {
	return b.Node(name,
		Cond("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"),
		Cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
}

// Pod adds a Running pod on node with one container "main", ready or not.
func (b *Builder) Pod(ns, name, node, ip string, labels map[string]string, ready bool) *snapshot.Pod {
	p := &snapshot.Pod{Object: Meta(ns, name)}
	p.Labels = labels
	p.Spec.NodeName = node
	c := Elem(&p.Spec.Containers)
	c.Name, c.Image = "main", "registry.k8s.io/x:1"
	p.Status.Phase = "Running"
	p.Status.PodIP = ip
	if ip != "" {
		p.Status.PodIPs = append(p.Status.PodIPs, struct{ IP string }{ip})
	}
	status := "False"
	if ready {
		status = "True"
	}
	p.Status.Conditions = []snapshot.Condition{Cond("Ready", status, "", "")}
	p.Status.ContainerStatuses = []snapshot.ContainerStatus{{Name: "main", Ready: ready, State: b.Running(time.Hour)}}
	b.add(p)
	return p
}

// Running is a container state running since d before collection.
func (b *Builder) Running(d time.Duration) snapshot.ContainerState {
	var st snapshot.ContainerState
	Alloc(&st.Running).StartedAt = b.Ago(d)
	return st
}

// Waiting is a waiting container state.
func Waiting(reason, msg string) snapshot.ContainerState {
	var st snapshot.ContainerState
	w := Alloc(&st.Waiting)
	w.Reason, w.Message = reason, msg
	return st
}

// Terminated is a container state that ended d before collection.
func (b *Builder) Terminated(exitCode int32, reason, msg string, d time.Duration) snapshot.ContainerState {
	var st snapshot.ContainerState
	t := Alloc(&st.Terminated)
	t.ExitCode, t.Reason, t.Message, t.FinishedAt = exitCode, reason, msg, b.Ago(d)
	return st
}

// Service adds a ClusterIP Service with one port, https 443.
func (b *Builder) Service(ns, name, clusterIP string, selector map[string]string) *snapshot.Service {
	svc := &snapshot.Service{Object: Meta(ns, name)}
	svc.Spec.Type, svc.Spec.ClusterIP, svc.Spec.Selector = "ClusterIP", clusterIP, selector
	svc.Spec.Ports = []snapshot.ServicePort{{Name: "https", Port: 443, TargetPort: "https"}}
	b.add(svc)
	return svc
}

// Endpoints adds the Endpoints of Service ns/name: one subset with these
// addresses, ready or not ready, on port https 10250.
func (b *Builder) Endpoints(ns, name string, ready bool, ips ...string) *snapshot.Endpoints {
	e := &snapshot.Endpoints{Object: Meta(ns, name)}
	sub := Elem(&e.Subsets)
	for _, ip := range ips {
		if ready {
			sub.Addresses = append(sub.Addresses, snapshot.EndpointAddress{IP: ip})
		} else {
			sub.NotReadyAddresses = append(sub.NotReadyAddresses, snapshot.EndpointAddress{IP: ip})
		}
	}
	port, pname := int32(10250), "https"
	sub.Ports = []snapshot.EndpointPort{{Name: &pname, Port: &port}}
	b.add(e)
	return e
}

// EndpointSlice adds an IPv4 slice of Service ns/svc with one endpoint per
// address, ready or not, on port https 10250.
func (b *Builder) EndpointSlice(ns, svc, name string, ready bool, ips ...string) *snapshot.EndpointSlice {
	es := &snapshot.EndpointSlice{Object: Meta(ns, name), AddressType: "IPv4"}
	es.Labels = map[string]string{"kubernetes.io/service-name": svc}
	for _, ip := range ips {
		ep := Elem(&es.Endpoints)
		r := ready
		ep.Addresses, ep.Conditions.Ready = []string{ip}, &r
	}
	port, pname := int32(10250), "https"
	es.Ports = []snapshot.EndpointPort{{Name: &pname, Port: &port}}
	b.add(es)
	return es
}

// APIService adds the APIService <version>.<group>, served by Service
// svcNS/svcName on port 443 (local if svcName is ""), with its Available
// condition.
func (b *Builder) APIService(group, version, svcNS, svcName string, available snapshot.Condition) *snapshot.APIService {
	a := &snapshot.APIService{Object: Meta("", version+"."+group)}
	a.Spec.Group, a.Spec.Version = group, version
	if svcName != "" {
		port := int32(443)
		a.Spec.Service = &snapshot.ServiceReference{Namespace: svcNS, Name: svcName, Port: &port}
	}
	a.Status.Conditions = []snapshot.Condition{available}
	b.add(a)
	return a
}

// Lease adds a Lease held by holder, renewed d before collection, with a
// 15 s duration.
func (b *Builder) Lease(ns, name, holder string, renewed time.Duration, transitions int32) *snapshot.Lease {
	l := &snapshot.Lease{Object: Meta(ns, name)}
	dur := int32(15)
	l.Spec.HolderIdentity, l.Spec.LeaseDurationSeconds, l.Spec.LeaseTransitions = &holder, &dur, &transitions
	l.Spec.AcquireTime, l.Spec.RenewTime = b.Ago(renewed+time.Hour), b.Ago(renewed)
	b.add(l)
	return l
}

// Event adds an event in ns about the object kind ns/name, last seen d
// before collection.
func (b *Builder) Event(ns, kind, name, typ, reason, msg string, count int32, d time.Duration) *snapshot.Event {
	e := &snapshot.Event{Object: Meta(ns, name+".event"), Type: typ, Reason: reason, Message: msg, Count: count, LastTimestamp: b.Ago(d)}
	e.InvolvedObject = snapshot.ObjectReference{Kind: kind, Namespace: ns, Name: name}
	b.add(e)
	return e
}

// PVC adds a PersistentVolumeClaim of storage class "standard" in phase,
// created d before collection.
func (b *Builder) PVC(ns, name, phase string, d time.Duration) *snapshot.PersistentVolumeClaim {
	c := &snapshot.PersistentVolumeClaim{Object: Meta(ns, name)}
	c.CreationTimestamp = b.Ago(d)
	class := "standard"
	c.Spec.StorageClassName = &class
	c.Status.Phase = phase
	b.add(c)
	return c
}

// CRD adds a namespaced CustomResourceDefinition <plural>.<group>; the
// first version is the storage version, every one is served.
func (b *Builder) CRD(group, kind, plural string, versions ...string) *snapshot.CustomResourceDefinition {
	c := &snapshot.CustomResourceDefinition{Object: Meta("", plural+"."+group)}
	c.Spec.Group, c.Spec.Names.Kind, c.Spec.Names.Plural, c.Spec.Scope = group, kind, plural, "Namespaced"
	for i, v := range versions {
		c.Spec.Versions = append(c.Spec.Versions, snapshot.CRDVersion{Name: v, Served: true, Storage: i == 0})
	}
	b.add(c)
	return c
}

// Webhook is one admission webhook calling Service svcNS/svcName, with
// failure policy Fail.
func Webhook(name, svcNS, svcName string) snapshot.Webhook {
	fail := "Fail"
	return snapshot.Webhook{Name: name, FailurePolicy: &fail,
		ClientConfig: snapshot.WebhookClientConfig{Service: &snapshot.ServiceReference{Namespace: svcNS, Name: svcName}}}
}

// WebhookConfiguration adds a webhook configuration of kind
// "ValidatingWebhookConfiguration" or "MutatingWebhookConfiguration".
func (b *Builder) WebhookConfiguration(kind, name string, hooks ...snapshot.Webhook) *snapshot.WebhookConfiguration {
	w := &snapshot.WebhookConfiguration{Object: Meta("", name), Kind: kind, Webhooks: hooks}
	b.add(w)
	return w
}

// Workload adds a Deployment, ReplicaSet, StatefulSet or DaemonSet with
// that many replicas, all ready.
func (b *Builder) Workload(kind, ns, name string, replicas int32) *snapshot.Workload {
	w := &snapshot.Workload{Object: Meta(ns, name), Kind: kind}
	w.Spec.Replicas = &replicas
	w.Status.Replicas, w.Status.ReadyReplicas, w.Status.AvailableReplicas = replicas, replicas, replicas
	b.add(w)
	return w
}

// PodLog adds the log of a container (its previous run if previous), at
// logs/<ns>/<pod>/<container>[.previous].log.
func (b *Builder) PodLog(ns, pod, container string, previous bool, lines ...string) *snapshot.Log {
	l := &snapshot.Log{Namespace: ns, Pod: pod, Container: container, Previous: previous, Lines: lines}
	b.add(l)
	return l
}

// FileLog adds a log collected from a file (collect --log NAME=FILE), at
// logs/files/<name>.log; its component is the one name names, as the
// loader guesses it, else name.
func (b *Builder) FileLog(name string, lines ...string) *snapshot.Log {
	l := &snapshot.Log{Path: path.Join(bundle.LogsDir, "files", name+".log"), Component: cmp.Or(snapshot.ComponentOf(name), name), Lines: lines}
	b.add(l)
	return l
}

// BootstrapRBAC adds the bootstrap RBAC policy of a Kubernetes version as
// a cluster holds it (aggregated ClusterRoles filled in). It panics for a
// version with no policy.
func (b *Builder) BootstrapRBAC(version string) *Builder {
	p, err := bootstrap.For(version)
	if err != nil {
		panic("snapshottest: " + err.Error())
	}
	a := p.AsActual()
	for _, x := range a.ClusterRoles {
		b.add(x)
	}
	for _, x := range a.ClusterRoleBindings {
		b.add(x)
	}
	for _, x := range a.Roles {
		b.add(x)
	}
	for _, x := range a.RoleBindings {
		b.add(x)
	}
	return b
}
