package snapshot

import (
	"strings"
	"testing"
)

func TestComponentOf(t *testing.T) {
	t.Parallel()
	for names, want := range map[string]string{
		"kube-controller-manager-cp-1":    "kube-controller-manager",
		"kube-controller-manager":         "kube-controller-manager",
		"aws-cloud-controller-manager-x7": "cloud-controller-manager",
		"cloud-controller-manager":        "cloud-controller-manager",
		"kube-apiserver-cp":               "kube-apiserver",
		"metrics-server-7d9f6c-abcde":     "metrics-server",
		"coredns-5d78c9869d-abcde":        "",
		"web,kube-scheduler":              "kube-scheduler",
		"etcd-cp":                         "etcd",
	} {
		if got := ComponentOf(strings.Split(names, ",")...); got != want {
			t.Errorf("ComponentOf(%s) = %q, want %q", names, got, want)
		}
	}
}

func TestLocationAtEscapes(t *testing.T) {
	t.Parallel()
	l := Location{Path: "p.json", Pointer: "/items/0"}.At("metadata", "annotations", "rbac.authorization.kubernetes.io/autoupdate", "a~b")
	if l.Pointer != "/items/0/metadata/annotations/rbac.authorization.kubernetes.io~1autoupdate/a~0b" || l.Path != "p.json" {
		t.Errorf("At: %+v", l)
	}
}

// TestLookupsOnAssembledSnapshot checks that a snapshot filled in Go (not
// loaded) answers lookups, and that Reindex sees lists changed afterwards.
func TestLookupsOnAssembledSnapshot(t *testing.T) {
	t.Parallel()
	var empty Snapshot
	if empty.Pod("ns", "p") != nil || empty.Namespace("ns") != nil || len(empty.SlicesFor("ns", "svc")) != 0 {
		t.Fatal("an empty snapshot found objects")
	}
	p := &Pod{}
	p.Name, p.Namespace = "p", "ns"
	s := &Snapshot{Pods: []*Pod{p}}
	if s.Pod("ns", "p") != p {
		t.Fatal("Pod(ns, p) not found")
	}
	n := &Node{}
	n.Name = "n1"
	s.Nodes = append(s.Nodes, n)
	s.Reindex()
	if s.Node("n1") != n || s.Pod("ns", "p") != p {
		t.Fatal("Reindex did not index the new node")
	}
	s.MarkCollected(ResPods)
	s.MarkFailed(ResPods, 403, "forbidden")
	s.MarkFailed(ResPods, 500, "later")
	if c := s.Collection(ResPods); !c.Collected || !c.Partial || c.Status != 403 || c.Error != "forbidden" {
		t.Errorf("collection %+v", c)
	}
}
