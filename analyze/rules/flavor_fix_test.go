package rules_test

import (
	"strings"
	"testing"
	"time"
)

// TestFixPerFlavor: the fixes that start a control-plane component or
// restart kube-apiserver say how on the distribution the bundle shows, and
// give the kubeadm form only where the distribution is kubeadm-like or not
// recognised.
func TestFixPerFlavor(t *testing.T) {
	t.Parallel()
	stopped := func(f *fx) {
		f.lists[pLeases][0] = lease("kube-system", "kube-controller-manager", "cp_6f2b1c9e-5d1a-4c47-9b7a-0f1e2d3c4b5a", 5*time.Minute, 3)
		f.add(pNamespaces, terminating("team-a", 5*time.Minute))
	}
	roleGone := func(f *fx) { f.remove(pCRoles, "", "system:controller:namespace-controller") }
	openshift := func(f *fx) {
		f.add(pAPIServices, apiServiceObj("config.openshift.io", "v1", "", "", cond("Available", "True", "Local", "Local APIServices are always available")))
	}
	tests := []struct {
		name, version, policy string
		extra                 func(f *fx)
		broken                func(f *fx)
		id                    string
		want, notWant         []string
	}{
		{"kubeadm: controller-manager stopped", "v1.37.2", "v1.37.2", nil, stopped, "NSB-KCM-002",
			[]string{"static pod manifest in /etc/kubernetes/manifests or its systemd unit"}, []string{"k3s", "rke2", "oc "}},
		{"k3s: controller-manager stopped", "v1.31.2+k3s1", "v1.31.14", nil, stopped, "NSB-KCM-002",
			[]string{"k3s runs it inside the k3s server process: `systemctl restart k3s`"}, []string{"/etc/kubernetes/manifests"}},
		{"RKE2: controller-manager stopped", "v1.28.15+rke2r1", "v1.28.15", nil, stopped, "NSB-KCM-002",
			[]string{"/var/lib/rancher/rke2/agent/pod-manifests/kube-controller-manager.yaml", "rke2-server writes that manifest when it starts"}, []string{"/etc/kubernetes/manifests"}},
		{"OpenShift: controller-manager stopped", "v1.27.16+03a907c", "v1.27.16", openshift, stopped, "NSB-KCM-002",
			[]string{"its operator owns it in namespace openshift-kube-controller-manager", "oc patch kubecontrollermanager cluster --type=merge"}, []string{"/etc/kubernetes/manifests"}},
		{"kubeadm: bootstrap ClusterRole deleted", "v1.37.2", "v1.37.2", nil, roleGone, "NSB-RBAC-001",
			[]string{"Restarting kube-apiserver restores it too (its rbac/bootstrap-roles hook"}, []string{"systemctl", "oc patch"}},
		{"k3s: bootstrap ClusterRole deleted", "v1.31.2+k3s1", "v1.31.14", nil, roleGone, "NSB-RBAC-001",
			[]string{"Restarting kube-apiserver (k3s: `systemctl restart k3s` on each server node, one at a time) restores it too"}, nil},
		{"RKE2: bootstrap ClusterRole deleted", "v1.28.15+rke2r1", "v1.28.15", nil, roleGone, "NSB-RBAC-001",
			[]string{"(RKE2: move /var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml out of the folder and back on each server node, one at a time)"}, nil},
		{"OpenShift: bootstrap ClusterRole deleted", "v1.27.16+03a907c", "v1.27.16", openshift, roleGone, "NSB-RBAC-001",
			[]string{"(OpenShift: its operator rolls it out, `oc patch kubeapiserver cluster"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthy()
			withPolicy(f, tt.version, tt.policy)
			if tt.extra != nil {
				tt.extra(f)
			}
			tt.broken(f)
			var fix string
			for _, fd := range analyzeFx(t, f).Findings {
				if fd.ID == tt.id {
					fix = fd.Fix
				}
			}
			if fix == "" {
				t.Fatalf("no %s finding", tt.id)
			}
			for _, w := range tt.want {
				if !strings.Contains(fix, w) {
					t.Errorf("fix lacks %q:\n%s", w, fix)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(fix, w) {
					t.Errorf("fix has %q:\n%s", w, fix)
				}
			}
		})
	}
}
