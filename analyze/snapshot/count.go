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
	if n, ok := counters[res]; ok {
		return n(s)
	}
	return -1
}

// counters count each modelled resource key's objects.
var counters = map[string]func(*Snapshot) int{
	ResNamespaces:      func(s *Snapshot) int { return len(s.Namespaces) },
	ResAPIServices:     func(s *Snapshot) int { return len(s.APIServices) },
	ResServices:        func(s *Snapshot) int { return len(s.Services) },
	ResEndpoints:       func(s *Snapshot) int { return len(s.Endpoints) },
	ResEndpointSlices:  func(s *Snapshot) int { return len(s.EndpointSlices) },
	ResPods:            func(s *Snapshot) int { return len(s.Pods) },
	ResNodes:           func(s *Snapshot) int { return len(s.Nodes) },
	ResLeases:          func(s *Snapshot) int { return len(s.Leases) },
	ResEvents:          func(s *Snapshot) int { return len(s.Events) },
	ResPVCs:            func(s *Snapshot) int { return len(s.PVCs) },
	ResCRDs:            func(s *Snapshot) int { return len(s.CRDs) },
	ResValidatingHooks: webhooksOf("ValidatingWebhookConfiguration"),
	ResMutatingHooks:   webhooksOf("MutatingWebhookConfiguration"),
	ResClusterRoles:    func(s *Snapshot) int { return len(s.ClusterRoles) },
	ResClusterBindings: func(s *Snapshot) int { return len(s.ClusterBindings) },
	ResRoles:           func(s *Snapshot) int { return len(s.Roles) },
	ResRoleBindings:    func(s *Snapshot) int { return len(s.RoleBindings) },
	ResDeployments:     workloadsOf("Deployment"),
	ResReplicaSets:     workloadsOf("ReplicaSet"),
	ResStatefulSets:    workloadsOf("StatefulSet"),
	ResDaemonSets:      workloadsOf("DaemonSet"),
	ResDiscovery:       func(s *Snapshot) int { return len(s.Discovery) + len(s.DiscoveryErrors) },
	ResLogs:            func(s *Snapshot) int { return len(s.Logs) },
}

// webhooksOf counts the webhook configurations of kind.
func webhooksOf(kind string) func(*Snapshot) int {
	return func(s *Snapshot) int {
		return countKind(s.Webhooks, func(w *WebhookConfiguration) string { return w.Kind }, kind)
	}
}

// workloadsOf counts the workloads of kind.
func workloadsOf(kind string) func(*Snapshot) int {
	return func(s *Snapshot) int { return countKind(s.Workloads, func(w *Workload) string { return w.Kind }, kind) }
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
