package flavor

import (
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

func node(name, providerID string, labels, annotations map[string]string) *snapshot.Node {
	n := &snapshot.Node{}
	n.Name, n.Labels, n.Annotations, n.Spec.ProviderID = name, labels, annotations, providerID
	return n
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name     string
		snap     *snapshot.Snapshot
		want     Name
		evidence string
	}{
		{"k3s version", &snapshot.Snapshot{GitVersion: "v1.31.2+k3s1"}, K3s, `gitVersion "v1.31.2+k3s1"`},
		{"rke2 version", &snapshot.Snapshot{GitVersion: "v1.30.14+rke2r1"}, RKE2, `gitVersion "v1.30.14+rke2r1"`},
		{"eks version", &snapshot.Snapshot{GitVersion: "v1.29.8-eks-a737599"}, EKS, `gitVersion "v1.29.8-eks-a737599"`},
		{"gke version", &snapshot.Snapshot{GitVersion: "v1.33.5-gke.1080000"}, GKE, `gitVersion "v1.33.5-gke.1080000"`},
		{"plain version, nothing else: not recognised", &snapshot.Snapshot{GitVersion: "v1.37.2"}, Unknown, ""},
		{"AKS: plain version, node label", &snapshot.Snapshot{GitVersion: "v1.30.3",
			Nodes: []*snapshot.Node{node("aks-nodepool1-0", "azure:///subscriptions/x", map[string]string{"kubernetes.azure.com/cluster": "MC_rg"}, nil)}},
			AKS, "node aks-nodepool1-0 label kubernetes.azure.com/cluster=MC_rg"},
		{"azure providerID alone is not AKS (self-managed on Azure VMs)", &snapshot.Snapshot{GitVersion: "v1.30.3",
			Nodes: []*snapshot.Node{node("vm-0", "azure:///subscriptions/x", nil, nil)}}, Unknown, ""},
		{"k3s providerID", &snapshot.Snapshot{GitVersion: "v1.31.2",
			Nodes: []*snapshot.Node{node("server-0", "k3s://server-0", nil, nil)}}, K3s, `node server-0 providerID "k3s://server-0"`},
		{"k3s annotation", &snapshot.Snapshot{Nodes: []*snapshot.Node{node("s", "", nil, map[string]string{"k3s.io/node-args": "[]", "k3s.io/hostname": "s"})}},
			K3s, "node s annotation k3s.io/hostname"},
		{"rke2 annotation", &snapshot.Snapshot{Nodes: []*snapshot.Node{node("s", "", nil, map[string]string{"rke2.io/node-args": "[]"})}},
			RKE2, "node s annotation rke2.io/node-args"},
		{"OpenShift discovery", &snapshot.Snapshot{GitVersion: "v1.31.6",
			Discovery: []bundle.DiscoveryResult{{GroupVersion: "apps/v1"}, {GroupVersion: "config.openshift.io/v1"}}}, OpenShift, "API group config.openshift.io/v1 discovered"},
		{"version suffix wins over nodes", &snapshot.Snapshot{GitVersion: "v1.31.2+k3s1",
			Nodes: []*snapshot.Node{node("n", "", map[string]string{"eks.amazonaws.com/nodegroup": "ng"}, nil)}}, K3s, `gitVersion "v1.31.2+k3s1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Detect(tt.snap)
			if f.Name != tt.want || f.Evidence != tt.evidence {
				t.Errorf("Detect = %+v, want %q with evidence %q", f, tt.want, tt.evidence)
			}
			if tt.want == Unknown && f.String() != "not recognised" {
				t.Errorf("String() = %q", f.String())
			}
		})
	}
}

func TestManaged(t *testing.T) {
	for n, want := range map[Name]bool{EKS: true, GKE: true, AKS: true, K3s: false, RKE2: false, OpenShift: false, Unknown: false} {
		if got := (Flavor{Name: n}).Managed(); got != want {
			t.Errorf("%q.Managed() = %v, want %v", n, got, want)
		}
	}
}
