package layouttest

import "testing"

func TestFileNamespace(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"cluster-resources/rolebindings/kube-system.json":                                     "kube-system",
		"cluster-resources/clusterroles.json":                                                 "",
		"cluster-resources/pods/logs/kube-system/p/c.log":                                     "",
		"kube-system/pods.json":                                                               "kube-system",
		"nodes.json":                                                                          "",
		"resources/core/v1/pods.json":                                                         "",
		"discovery/results.json":                                                              "",
		"cluster-info/cluster_version.json":                                                   "",
		MustGatherImage + "/namespaces/openshift-etcd/core/pods.yaml":                         "openshift-etcd",
		MustGatherImage + "/namespaces/openshift-etcd/openshift-etcd.yaml":                    "",
		MustGatherImage + "/cluster-scoped-resources/core/nodes/worker-1.yaml":                "",
		MustGatherImage + "/namespaces/openshift-etcd/pods/etcd-0/etcd/etcd/logs/current.log": "openshift-etcd",
	} {
		if got := FileNamespace(name); got != want {
			t.Errorf("FileNamespace(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestWithout(t *testing.T) {
	t.Parallel()
	native := map[string]string{"resources/core/v1/pods.json": `{"apiVersion":"v1","kind":"List","items":[
{"metadata":{"namespace":"a","name":"x"}},
{"metadata":{"namespace":"b","name":"x"}}
]}`}
	out, err := Without(native, "resources/core/v1/pods.json", "b", "x")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","kind":"List","items":[` + "\n" + `{"metadata":{"namespace":"a","name":"x"}}` + "\n]}\n"
	if out["resources/core/v1/pods.json"] != want {
		t.Errorf("got %s", out["resources/core/v1/pods.json"])
	}
	if _, err := Without(native, "resources/core/v1/pods.json", "c", "x"); err == nil {
		t.Error("removing an object the list lacks: no error")
	}
}
