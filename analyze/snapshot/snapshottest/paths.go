package snapshottest

import (
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// listFile is where the collector writes a resource's list and the request
// it lists it with.
type listFile struct{ file, api string }

// filePaths are the nsbundle layout's list files by resource key
// (resources/<group>/<version>/<resource>.json, "core" for the core group).
var filePaths = map[string]listFile{}

// resourceOfFile maps a list file back to its resource key.
var resourceOfFile = map[string]string{}

func init() {
	for res, gv := range map[string]string{
		snapshot.ResNamespaces:      "v1",
		snapshot.ResAPIServices:     "apiregistration.k8s.io/v1",
		snapshot.ResServices:        "v1",
		snapshot.ResEndpoints:       "v1",
		snapshot.ResEndpointSlices:  "discovery.k8s.io/v1",
		snapshot.ResPods:            "v1",
		snapshot.ResNodes:           "v1",
		snapshot.ResLeases:          "coordination.k8s.io/v1",
		snapshot.ResEvents:          "v1",
		snapshot.ResPVCs:            "v1",
		snapshot.ResCRDs:            "apiextensions.k8s.io/v1",
		snapshot.ResValidatingHooks: "admissionregistration.k8s.io/v1",
		snapshot.ResMutatingHooks:   "admissionregistration.k8s.io/v1",
		snapshot.ResClusterRoles:    "rbac.authorization.k8s.io/v1",
		snapshot.ResClusterBindings: "rbac.authorization.k8s.io/v1",
		snapshot.ResRoles:           "rbac.authorization.k8s.io/v1",
		snapshot.ResRoleBindings:    "rbac.authorization.k8s.io/v1",
		snapshot.ResDeployments:     "apps/v1",
		snapshot.ResReplicaSets:     "apps/v1",
		snapshot.ResStatefulSets:    "apps/v1",
		snapshot.ResDaemonSets:      "apps/v1",
	} {
		plural, _, _ := strings.Cut(res, ".")
		group, version, ok := strings.Cut(gv, "/")
		lf := listFile{file: "resources/core/v1/" + plural + ".json", api: "/api/v1/" + plural}
		if ok {
			lf = listFile{file: "resources/" + group + "/" + version + "/" + plural + ".json", api: "/apis/" + gv + "/" + plural}
		}
		filePaths[res] = lf
		resourceOfFile[lf.file] = res
	}
}

// ListPath returns the bundle path of res's list (snapshot.ResPods gives
// "resources/core/v1/pods.json"), where the builder places its objects.
func ListPath(res string) string { return filePaths[res].file }

// workloadResources maps a workload kind to its resource key.
var workloadResources = map[string]string{
	"Deployment": snapshot.ResDeployments, "ReplicaSet": snapshot.ResReplicaSets,
	"StatefulSet": snapshot.ResStatefulSets, "DaemonSet": snapshot.ResDaemonSets,
}

// sortNamespaces orders namespaces by name, as the loader does.
func sortNamespaces(ns []*snapshot.Namespace) {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name })
}
