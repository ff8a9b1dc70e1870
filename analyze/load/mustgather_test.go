package load

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// mgImage is the gather image's folder, as `oc adm must-gather` names it.
const mgImage = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123abcd"

// mustGatherFiles is a small must-gather, shaped as `oc adm must-gather`
// writes one (written here, not copied), under prefix ("" or mgImage+"/").
func mustGatherFiles(prefix string) map[string]string {
	ns := prefix + "namespaces/openshift-kube-controller-manager/"
	kcm := "kube-controller-manager-master-0"
	return map[string]string{
		prefix + "timestamp": "2021-08-03 10:12:00.016988581 +0000 UTC m=+0.380233555\n" +
			"2021-08-03 10:13:47.364145495 +0000 UTC m=+1.355495176\n",
		prefix + "version": "openshift/must-gather\n4.8\n",
		ns + "openshift-kube-controller-manager.yaml": `---
apiVersion: v1
kind: Namespace
metadata:
  name: openshift-kube-controller-manager
status:
  phase: Active
`,
		// The list is written empty: pods are written one per folder.
		ns + "core/pods.yaml": "---\napiVersion: v1\nitems: []\nkind: PodList\nmetadata:\n  resourceVersion: \"41799\"\n",
		ns + "pods/" + kcm + "/" + kcm + ".yaml": `---
apiVersion: v1
kind: Pod
metadata:
  name: ` + kcm + `
  namespace: openshift-kube-controller-manager
spec:
  nodeName: master-0
status:
  phase: Running
  conditions:
  - type: Ready
    status: "True"
  containerStatuses:
  - name: kube-controller-manager
    ready: true
    restartCount: 2
`,
		ns + "pods/" + kcm + "/kube-controller-manager/kube-controller-manager/logs/current.log":           "I0803 10:00:00.000000       1 leaderelection.go:258] successfully acquired lease kube-system/kube-controller-manager\n",
		ns + "pods/" + kcm + "/kube-controller-manager/kube-controller-manager/logs/previous.log":          "F0803 09:00:00.000000       1 controllermanager.go:1 error\n",
		ns + "pods/" + kcm + "/kube-controller-manager/kube-controller-manager/logs/previous.insecure.log": "F0803 09:00:00.000000       1 controllermanager.go:1 error\n",
		prefix + "cluster-scoped-resources/core/nodes/master-0.yaml": `apiVersion: v1
kind: Node
metadata:
  name: master-0
  labels:
    node.openshift.io/os_id: rhcos
status:
  conditions:
  - type: Ready
    status: "True"
`,
		// The same APIService in the list file and in its own file.
		prefix + "cluster-scoped-resources/apiregistration.k8s.io/apiservices.yaml": `apiVersion: apiregistration.k8s.io/v1
kind: APIServiceList
items:
- apiVersion: apiregistration.k8s.io/v1
  kind: APIService
  metadata:
    name: v1.apps.openshift.io
  spec:
    group: apps.openshift.io
    version: v1
- apiVersion: apiregistration.k8s.io/v1
  kind: APIService
  metadata:
    name: v1beta1.metrics.k8s.io
  spec:
    group: metrics.k8s.io
    version: v1beta1
`,
		prefix + "cluster-scoped-resources/apiregistration.k8s.io/apiservices/v1.apps.openshift.io.yaml": `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.apps.openshift.io
spec:
  group: apps.openshift.io
  version: v1
`,
		prefix + "cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/system:openshift:operator:kube-controller-manager-recovery.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:openshift:operator:kube-controller-manager-recovery
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
`,
		prefix + "cluster-scoped-resources/config.openshift.io/clusterversions.yaml": "apiVersion: config.openshift.io/v1\nkind: ClusterVersionList\nitems: []\n",
		prefix + "event-filter.html": "<html></html>\n",
	}
}

func TestLoadMustGather(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", mgImage + "/"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, mustGatherFiles(prefix))
			if s.Layout != snapshot.LayoutMustGather {
				t.Errorf("layout %q, want %q", s.Layout, snapshot.LayoutMustGather)
			}
			if want := time.Date(2021, 8, 3, 10, 13, 47, 364145495, time.UTC); !s.Now.Equal(want) {
				t.Errorf("Now %v, want the timestamp file's latest line %v", s.Now, want)
			}
			if len(s.Namespaces) != 1 || s.Namespaces[0].Name != "openshift-kube-controller-manager" || s.Namespaces[0].Loc.Pointer != "" {
				t.Errorf("namespaces %+v", s.Namespaces)
			}
			if len(s.Pods) != 1 || s.Pods[0].Spec.NodeName != "master-0" || !s.Pods[0].Ready() {
				t.Errorf("pods %+v", s.Pods)
			}
			wantPod := prefix + "namespaces/openshift-kube-controller-manager/pods/kube-controller-manager-master-0/kube-controller-manager-master-0.yaml"
			if len(s.Pods) == 1 && s.Pods[0].Loc.Path != wantPod {
				t.Errorf("pod read from %q, want %q", s.Pods[0].Loc.Path, wantPod)
			}
			var names []string
			for _, a := range s.APIServices {
				names = append(names, a.Name+"@"+a.Loc.Pointer)
			}
			// Read once each, whatever the order of the two files.
			if got := strings.Join(names, " "); got != "v1.apps.openshift.io@/items/0 v1beta1.metrics.k8s.io@/items/1" &&
				got != "v1.apps.openshift.io@ v1beta1.metrics.k8s.io@/items/1" {
				t.Errorf("APIServices %s", got)
			}
			if len(s.Nodes) != 1 || len(s.ClusterRoles) != 1 {
				t.Errorf("nodes %d, clusterroles %d, want 1 and 1", len(s.Nodes), len(s.ClusterRoles))
			}
			var logs []string
			for _, lg := range s.Logs {
				logs = append(logs, lg.Component+"/"+lg.Container+map[bool]string{true: " previous", false: ""}[lg.Previous])
			}
			if got := strings.Join(logs, ", "); got != "kube-controller-manager/kube-controller-manager, kube-controller-manager/kube-controller-manager previous" &&
				got != "kube-controller-manager/kube-controller-manager previous, kube-controller-manager/kube-controller-manager" {
				t.Errorf("logs %s (the insecure copy must not be read again)", got)
			}
			for _, res := range []string{snapshot.ResNamespaces, snapshot.ResPods, snapshot.ResNodes, snapshot.ResAPIServices, snapshot.ResClusterRoles} {
				c := s.Collection(res)
				if !c.Collected || !c.Partial || s.Complete(res) {
					t.Errorf("%s: %+v, want collected and partial: a must-gather selects what it gathers", res, c)
				}
			}
			if s.Collected(snapshot.ResLeases) {
				t.Errorf("leases collected, none in the bundle")
			}
		})
	}
}

func TestLoadMustGatherDocuments(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		text      string
		want      string
		wantNotes string
	}{
		"two documents": {
			text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n",
			want: "a b",
		},
		"list": {
			text: "apiVersion: v1\nkind: NamespaceList\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: b\n",
			want: "a b",
		},
		"empty list": {text: "---\napiVersion: v1\nkind: NamespaceList\nitems: []\n", want: ""},
		"not YAML then an object": {
			text:      "metadata: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n",
			want:      "b",
			wantNotes: "document skipped",
		},
		"wrong types": {
			text:      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [x]\n",
			want:      "",
			wantNotes: "item skipped",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, map[string]string{"cluster-scoped-resources/core/namespaces.yaml": tc.text})
			var got []string
			for _, ns := range s.Namespaces {
				got = append(got, ns.Name)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("namespaces %q, want %q (notes %q)", got, tc.want, s.Notes)
			}
			if notes := strings.Join(s.Notes, "\n"); tc.wantNotes != "" && !strings.Contains(notes, tc.wantNotes) {
				t.Errorf("notes %q, want one with %q", notes, tc.wantNotes)
			}
		})
	}
}

func TestMustGatherPath(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]mgFile{
		"cluster-scoped-resources/core/nodes/master-0.yaml":                    {kind: mgObjects, res: "nodes"},
		"cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles.yaml": {kind: mgObjects, res: "clusterroles.rbac.authorization.k8s.io"},
		"img/namespaces/x/apps/deployments.yaml":                               {kind: mgObjects, res: "deployments.apps"},
		"namespaces/x/x.yaml":                                                  {kind: mgObjects, res: "namespaces"},
		"namespaces/x/pods/p/p.yaml":                                           {kind: mgObjects, res: "pods"},
		"namespaces/x/pods/p/c/c/logs/current.log":                             {kind: mgLog, log: snapshot.Log{Namespace: "x", Pod: "p", Container: "c"}},
		"namespaces/x/pods/p/c/c/logs/previous.log":                            {kind: mgLog, log: snapshot.Log{Namespace: "x", Pod: "p", Container: "c", Previous: true}},
		"namespaces/x/pods/p/c/c/logs/previous.insecure.log":                   {},
		"namespaces/x/pods/p/other.yaml":                                       {},
		"namespaces/x/core/pods.json":                                          {},
		"cluster-scoped-resources/core/nodes/master-0/extra.yaml":              {},
		"timestamp":                   {kind: mgTimestamp},
		"img/timestamp":               {kind: mgTimestamp},
		"resources/core/v1/pods.json": {},
		"kube-system/pods.json":       {},
		"img/cluster-scoped-resources/apiregistration.k8s.io/apiservices/v1beta1.metrics.k8s.io.yaml":                                  {kind: mgObjects, res: "apiservices.apiregistration.k8s.io"},
		"img/namespaces/openshift-kube-controller-manager/openshift-kube-controller-manager.yaml":                                      {kind: mgObjects, res: "namespaces"},
		"img/namespaces/openshift-kube-controller-manager/core/events.yaml":                                                            {kind: mgObjects, res: "events"},
		"img/namespaces/openshift-kube-controller-manager/coordination.k8s.io/leases.yaml":                                             {kind: mgObjects, res: "leases.coordination.k8s.io"},
		"img/namespaces/openshift-kube-controller-manager/pods/kcm-0/kube-controller-manager/kube-controller-manager/logs/current.log": {kind: mgLog, log: snapshot.Log{Namespace: "openshift-kube-controller-manager", Pod: "kcm-0", Container: "kube-controller-manager", Component: "kube-controller-manager"}},
	} {
		got := mustGatherPath(name)
		same := got.kind == want.kind && got.res == want.res && got.log.Namespace == want.log.Namespace &&
			got.log.Pod == want.log.Pod && got.log.Container == want.log.Container && got.log.Previous == want.log.Previous &&
			(want.log.Component == "" || got.log.Component == want.log.Component)
		if !same {
			t.Errorf("mustGatherPath(%q) = %+v, want %+v", name, got, want)
		}
	}
}

// TestMustGatherDuplicatePointers: an object read before from its own file
// (a tar's order is its writer's) is skipped in the list, and the items after
// it keep their own pointers.
func TestMustGatherDuplicatePointers(t *testing.T) {
	t.Parallel()
	const dir = "cluster-scoped-resources/apiregistration.k8s.io/"
	files := [][2]string{
		{dir + "apiservices/a.yaml", "kind: APIService\nmetadata:\n  name: a\n"},
		{dir + "apiservices/b.yaml", "kind: APIService\nmetadata:\n  name: b\n"},
		{dir + "apiservices.yaml", "kind: APIServiceList\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: c\n- metadata:\n    name: b\n- metadata:\n    name: d\n"},
	}
	s, err := Snapshot(func(fn func(string, io.Reader) error) error {
		for _, f := range files {
			if err := fn(f[0], strings.NewReader(f[1])); err != nil {
				return err
			}
		}
		return nil
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range s.APIServices {
		got[a.Name] = strings.TrimPrefix(a.Loc.Path, dir) + "#" + a.Loc.Pointer
	}
	want := map[string]string{"a": "apiservices/a.yaml#", "b": "apiservices/b.yaml#", "c": "apiservices.yaml#/items/1", "d": "apiservices.yaml#/items/3"}
	if len(s.APIServices) != 4 {
		t.Fatalf("APIServices %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s at %s, want %s", k, got[k], v)
		}
	}
}
