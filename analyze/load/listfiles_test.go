package load

import (
	"reflect"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// TestListFiles: in every layout the snapshot records which files each list
// was read from, and which namespace a per-namespace file lists, also for
// an empty list; files of other kinds and unreadable files are not
// recorded.
func TestListFiles(t *testing.T) {
	t.Parallel()
	const empty = `{"kind":"List","apiVersion":"v1","items":[]}`
	const mg = "quay-io-openshift-must-gather-sha256-0a/"
	tests := []struct {
		name  string
		files map[string]string
		res   string
		want  []snapshot.ListFile
	}{
		{"nsbundle", map[string]string{"resources/rbac.authorization.k8s.io/v1/clusterroles.json": oneLine()},
			snapshot.ResClusterRoles, []snapshot.ListFile{{Path: "resources/rbac.authorization.k8s.io/v1/clusterroles.json"}}},
		{"troubleshoot cluster-scoped, empty", map[string]string{"cluster-resources/clusterrolebindings.json": empty},
			snapshot.ResClusterBindings, []snapshot.ListFile{{Path: "cluster-resources/clusterrolebindings.json"}}},
		{"troubleshoot per namespace", map[string]string{
			"cluster-resources/rolebindings/default.json":     empty,
			"cluster-resources/rolebindings/kube-system.json": empty,
			"cluster-resources/rolebindings-errors.json":      `["forbidden"]`,
		}, snapshot.ResRoleBindings, []snapshot.ListFile{
			{Path: "cluster-resources/rolebindings/default.json", Namespace: "default"},
			{Path: "cluster-resources/rolebindings/kube-system.json", Namespace: "kube-system"}}},
		{"cluster-info dump nodes", map[string]string{"nodes.json": empty},
			snapshot.ResNodes, []snapshot.ListFile{{Path: "nodes.json"}}},
		{"cluster-info dump per namespace", map[string]string{"kube-system/pods.json": empty, "default/pods.json": empty, "default/web-0/logs.txt": "x\n"},
			snapshot.ResPods, []snapshot.ListFile{{Path: "default/pods.json", Namespace: "default"}, {Path: "kube-system/pods.json", Namespace: "kube-system"}}},
		{"must-gather one object per file and lists", map[string]string{
			mg + "cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/admin.yaml": "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\nmetadata:\n  name: admin\n",
		}, snapshot.ResClusterRoles, []snapshot.ListFile{{Path: mg + "cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/admin.yaml"}}},
		{"must-gather namespaced list and pod file", map[string]string{
			mg + "namespaces/openshift-etcd/core/pods.yaml":                         "kind: PodList\napiVersion: v1\nitems: []\n",
			mg + "namespaces/openshift-etcd/pods/etcd-0/etcd-0.yaml":                "kind: Pod\napiVersion: v1\nmetadata:\n  name: etcd-0\n  namespace: openshift-etcd\n",
			mg + "namespaces/openshift-etcd/pods/etcd-0/etcd/etcd/logs/current.log": "x\n",
		}, snapshot.ResPods, []snapshot.ListFile{
			{Path: mg + "namespaces/openshift-etcd/core/pods.yaml", Namespace: "openshift-etcd", Whole: true},
			{Path: mg + "namespaces/openshift-etcd/pods/etcd-0/etcd-0.yaml", Namespace: "openshift-etcd"}}},
		{"nsbundle discovery", map[string]string{"discovery/results.json": `[]`},
			snapshot.ResDiscovery, []snapshot.ListFile{{Path: "discovery/results.json"}}},
		{"troubleshoot discovery errors", map[string]string{"cluster-resources/groups-resources-errors.json": `[]`},
			snapshot.ResDiscovery, []snapshot.ListFile{{Path: "cluster-resources/groups-resources-errors.json"}}},
		{"unreadable list: no file", map[string]string{"resources/core/v1/pods.json": `{"items":[`},
			snapshot.ResPods, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, tt.files)
			if got := s.Collection(tt.res).Files; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s files %+v, want %+v", tt.res, got, tt.want)
			}
		})
	}
}
