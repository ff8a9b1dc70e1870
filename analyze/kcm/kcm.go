// Package kcm reads what a bundle says about kube-controller-manager: its
// leader lease, its pods, its logs (split into runs) and the events its
// controllers wrote. It exposes facts with the bundle locations that prove
// them, and knows nothing of rules: the rules that need the controller-manager
// (a namespace without conditions, a PVC Pending, a finalizer nobody removes)
// read the same facts through View.
package kcm

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

const (
	// Component is the component name, as logs and pods carry it.
	Component = "kube-controller-manager"
	// User is the identity kube-controller-manager authenticates as.
	User = "system:kube-controller-manager"
	// LeaseName is its leader lease (namespace LeaseNamespace), on every
	// flavor that elects a leader (OpenShift too).
	LeaseName      = "kube-controller-manager"
	LeaseNamespace = "kube-system"
	// LeaseGrace is what the leader-election health check allows past the
	// lease duration before it calls the leader dead (controllermanager.go).
	LeaseGrace = 20 * time.Second
	// defaultLeaseDuration is --leader-elect-lease-duration's default.
	defaultLeaseDuration = 15 * time.Second
	// churnTransitions and churnRecent define a churning leader lease.
	churnTransitions = 3
	churnRecent      = 2 * time.Minute
)

// PodNamespaces are the namespaces its pods run in: kube-system (kubeadm,
// RKE2 static pods) and openshift-kube-controller-manager (OpenShift).
var PodNamespaces = []string{"kube-system", "openshift-kube-controller-manager"}

// Facts is what the bundle says about kube-controller-manager.
type Facts struct {
	// Lease is its leader lease; nil when the bundle has none.
	Lease *Lease
	// Pods are its pods (static or mirror pods).
	Pods []*Pod
	// Logs are its logs, current before previous.
	Logs []*snapshot.Log
	// Runs are the runs of the most complete log (the one with the most
	// runs), split where a new process starts; oldest first.
	Runs []Run
	// Starts and Exits count lease acquisitions and "leaderelection lost"
	// lines, per log file, keeping the largest (logs may overlap).
	Starts, Exits int
	// Causes are the first log lines that name what is wrong.
	Causes Causes
	// Retrying is set when its current run is alive, has never led and
	// keeps failing to read its lease lock; nil otherwise.
	Retrying *Retrying
}

// View holds the facts, read once per snapshot.
var View = snapshot.NewView("kube-controller-manager's lease, pods, logs and events", Read)

// Of returns the facts of s (computed once).
func Of(s *snapshot.Snapshot) *Facts { return View.Of(s) }

// Read reads the facts from s; rules use Of, which reads them once.
func Read(s *snapshot.Snapshot) *Facts {
	f := &Facts{
		Lease: readLease(s),
		Pods:  readPods(s),
		Logs:  s.LogsOf(Component),
	}
	f.readLogs(s.Now)
	return f
}

// Restarts is the sum of its containers' restart counts: a lifetime
// counter, which says nothing of now by itself.
func (f *Facts) Restarts() int32 {
	var n int32
	for _, p := range f.Pods {
		n += p.Restarts
	}
	return n
}

// WaitingCrashLoop returns the first pod with a container waiting in
// CrashLoopBackOff now, or nil.
func (f *Facts) WaitingCrashLoop() *Pod {
	for _, p := range f.Pods {
		if p.CrashLoopBackOff {
			return p
		}
	}
	return nil
}

// LeaseExpired reports whether the lease is held and nobody renewed it for
// longer than its duration plus the grace.
func (f *Facts) LeaseExpired() bool { return f.Lease != nil && f.Lease.Expired }

// LeaseRenewed reports whether the lease was renewed within its duration
// plus the grace before collection.
func (f *Facts) LeaseRenewed() bool { return f.Lease != nil && !f.Lease.Expired }
