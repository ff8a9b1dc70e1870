// Package flavor recognises the Kubernetes distribution a bundle comes from
// (k3s, RKE2, EKS, GKE, AKS, OpenShift) from what the bundle itself shows:
// the version suffix, the nodes' providerID and labels, OpenShift's API
// groups. It says what it saw; a distribution it does not recognise is
// Unknown, never a guess.
package flavor

import (
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Name is a distribution.
type Name string

// The distributions recognised.
const (
	Unknown   Name = ""
	K3s       Name = "k3s"
	RKE2      Name = "rke2"
	EKS       Name = "eks"
	GKE       Name = "gke"
	AKS       Name = "aks"
	OpenShift Name = "openshift"
)

// Flavor is the distribution and the evidence that names it.
type Flavor struct {
	Name Name
	// Evidence quotes what named it, e.g. `gitVersion "v1.31.2+k3s1"`.
	Evidence string
}

// Managed reports whether the provider runs the control plane (EKS, GKE,
// AKS): its controller-manager's pods and logs are not in the cluster.
func (f Flavor) Managed() bool { return f.Name == EKS || f.Name == GKE || f.Name == AKS }

// String renders the flavor for a report: "k3s (gitVersion \"v1.31.2+k3s1\")"
// or "not recognised".
func (f Flavor) String() string {
	if f.Name == Unknown {
		return "not recognised"
	}
	return string(f.Name) + " (" + f.Evidence + ")"
}

// View holds the flavor of a snapshot, detected once.
var View = snapshot.NewView("the Kubernetes distribution", Detect)

// Of returns the flavor of s (detected once).
func Of(s *snapshot.Snapshot) Flavor { return View.Of(s) }

// Detect recognises the distribution, strongest evidence first: the version
// suffix, OpenShift's API groups, then the nodes.
func Detect(s *snapshot.Snapshot) Flavor {
	if f, ok := fromVersion(s.GitVersion); ok {
		return f
	}
	if f, ok := fromAPIs(s); ok {
		return f
	}
	for _, n := range s.Nodes {
		if f, ok := fromNode(n); ok {
			return f
		}
	}
	return Flavor{}
}

// versionMarks are gitVersion substrings and the flavor each names.
var versionMarks = []struct {
	mark string
	name Name
}{
	{"+k3s", K3s}, {"+rke2", RKE2}, {"-eks-", EKS}, {"-gke.", GKE},
}

func fromVersion(v string) (Flavor, bool) {
	for _, m := range versionMarks {
		if strings.Contains(v, m.mark) {
			return Flavor{Name: m.name, Evidence: `gitVersion "` + v + `"`}, true
		}
	}
	return Flavor{}, false
}

// fromAPIs finds OpenShift's config.openshift.io group among the discovered
// group-versions or the APIServices.
func fromAPIs(s *snapshot.Snapshot) (Flavor, bool) {
	const group = "config.openshift.io"
	for _, d := range s.Discovery {
		if strings.HasPrefix(d.GroupVersion, group+"/") {
			return Flavor{Name: OpenShift, Evidence: "API group " + d.GroupVersion + " discovered"}, true
		}
	}
	for _, a := range s.APIServices {
		if a.Spec.Group == group {
			return Flavor{Name: OpenShift, Evidence: "APIService " + a.Name}, true
		}
	}
	return Flavor{}, false
}

// nodeMarks are node labels (or label prefixes) and the flavor each names.
var nodeMarks = []struct {
	label string
	name  Name
}{
	{"node.openshift.io/os_id", OpenShift},
	{"eks.amazonaws.com/nodegroup", EKS},
	{"eks.amazonaws.com/compute-type", EKS},
	{"cloud.google.com/gke-nodepool", GKE},
	{"kubernetes.azure.com/cluster", AKS},
	{"kubernetes.azure.com/agentpool", AKS},
}

func fromNode(n *snapshot.Node) (Flavor, bool) {
	for _, m := range nodeMarks {
		if v, ok := n.Labels[m.label]; ok {
			return Flavor{Name: m.name, Evidence: "node " + n.Name + " label " + m.label + "=" + v}, true
		}
	}
	if p := n.Spec.ProviderID; strings.HasPrefix(p, "k3s://") {
		return Flavor{Name: K3s, Evidence: "node " + n.Name + ` providerID "` + p + `"`}, true
	}
	keys := make([]string, 0, len(n.Annotations))
	for k := range n.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "k3s.io/"):
			return Flavor{Name: K3s, Evidence: "node " + n.Name + " annotation " + k}, true
		case strings.HasPrefix(k, "rke2.io/"):
			return Flavor{Name: RKE2, Evidence: "node " + n.Name + " annotation " + k}, true
		}
	}
	return Flavor{}, false
}
