package load

import (
	"strings"
	"testing"
)

// apiserverPod is a kube-apiserver static pod as a cluster-info dump lists it.
func apiserverPod(node, image string) string {
	return `{"metadata":{"name":"kube-apiserver-` + node + `","namespace":"kube-system","creationTimestamp":"2026-11-01T00:00:00Z"},` +
		`"spec":{"nodeName":"` + node + `","containers":[{"name":"kube-apiserver","image":"` + image + `"}]},"status":{"phase":"Running"}}`
}

// A dump records no version, but kubeadm's, minikube's and RKE2's
// kube-apiserver pods name it in their image tag.
func TestVersionFromAPIServerImage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, want, note string
		pods             []string
	}{
		{"kubeadm", "v1.31.0", "cluster version not recorded: v1.31.0, the image tag of container kube-apiserver of Pod kube-system/kube-apiserver-cp-1",
			[]string{apiserverPod("cp-1", "registry.k8s.io/kube-apiserver:v1.31.0"), apiserverPod("cp-2", "registry.k8s.io/kube-apiserver:v1.31.0")}},
		{"rke2, registry with a port and a digest", "v1.33.5-rke2r1-build20250910", "v1.33.5-rke2r1-build20250910, the image tag",
			[]string{apiserverPod("cp-1", "registry.local:5000/rancher/hardened-kubernetes:v1.33.5-rke2r1-build20250910@sha256:0123")}},
		{"an upgrade under way: unknown", "", "the kube-apiserver pods run different images (v1.30.4, v1.31.0): version unknown",
			[]string{apiserverPod("cp-1", "registry.k8s.io/kube-apiserver:v1.31.0"), apiserverPod("cp-2", "registry.k8s.io/kube-apiserver:v1.30.4")}},
		{"by digest only (OpenShift): unknown", "", "",
			[]string{apiserverPod("cp-1", "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:0123")}},
	}
	for _, c := range cases {
		s := mustLoad(t, map[string]string{"kube-system/pods.json": pretty(t, `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[`+strings.Join(c.pods, ",")+`]}`)})
		if s.GitVersion != c.want {
			t.Errorf("%s: version %q, want %q", c.name, s.GitVersion, c.want)
		}
		if c.note != "" && !hasNote(s.Notes, c.note) {
			t.Errorf("%s: no note %q in %q", c.name, c.note, s.Notes)
		}
		if c.note == "" && hasNote(s.Notes, "cluster version") {
			t.Errorf("%s: notes %q", c.name, s.Notes)
		}
	}
}
