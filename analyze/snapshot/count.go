package snapshot

import "sort"

// Resources returns the keys of the resource types (and evidence classes:
// ResDiscovery, ResLogs) the snapshot holds or failed to collect, sorted.
func (s *Snapshot) Resources() []string {
	out := make([]string, 0, len(s.collected))
	for k := range s.collected {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Count returns how many objects (or discovery results, or logs) of
// resource key res the snapshot holds; -1 for a key it does not model.
func (s *Snapshot) Count(res string) int {
	switch res {
	case ResNamespaces:
		return len(s.Namespaces)
	case ResAPIServices:
		return len(s.APIServices)
	case ResServices:
		return len(s.Services)
	case ResEndpoints:
		return len(s.Endpoints)
	case ResEndpointSlices:
		return len(s.EndpointSlices)
	case ResPods:
		return len(s.Pods)
	case ResNodes:
		return len(s.Nodes)
	case ResLeases:
		return len(s.Leases)
	case ResEvents:
		return len(s.Events)
	case ResPVCs:
		return len(s.PVCs)
	case ResCRDs:
		return len(s.CRDs)
	case ResValidatingHooks:
		return countKind(s.Webhooks, func(w *WebhookConfiguration) string { return w.Kind }, "ValidatingWebhookConfiguration")
	case ResMutatingHooks:
		return countKind(s.Webhooks, func(w *WebhookConfiguration) string { return w.Kind }, "MutatingWebhookConfiguration")
	case ResClusterRoles:
		return len(s.ClusterRoles)
	case ResClusterBindings:
		return len(s.ClusterBindings)
	case ResRoles:
		return len(s.Roles)
	case ResRoleBindings:
		return len(s.RoleBindings)
	case ResDeployments:
		return countKind(s.Workloads, func(w *Workload) string { return w.Kind }, "Deployment")
	case ResReplicaSets:
		return countKind(s.Workloads, func(w *Workload) string { return w.Kind }, "ReplicaSet")
	case ResStatefulSets:
		return countKind(s.Workloads, func(w *Workload) string { return w.Kind }, "StatefulSet")
	case ResDaemonSets:
		return countKind(s.Workloads, func(w *Workload) string { return w.Kind }, "DaemonSet")
	case ResDiscovery:
		return len(s.Discovery) + len(s.DiscoveryErrors)
	case ResLogs:
		return len(s.Logs)
	}
	return -1
}

func countKind[T any](list []*T, kind func(*T) string, want string) int {
	n := 0
	for _, x := range list {
		if kind(x) == want {
			n++
		}
	}
	return n
}
