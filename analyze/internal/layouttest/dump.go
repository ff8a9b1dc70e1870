package layouttest

// dumpFiles are the per-namespace files of `kubectl cluster-info dump` the
// loader reads, by resource key.
var dumpFiles = map[string]string{
	"pods": "pods.json", "services": "services.json", "events": "events.json",
	"deployments.apps": "deployments.json", "replicasets.apps": "replicasets.json", "daemonsets.apps": "daemonsets.json",
}

// ClusterInfoDump rewrites a native bundle as `kubectl cluster-info dump
// --all-namespaces --output-directory`: nodes.json, and for every namespace
// <ns>/{pods,services,events,deployments,replicasets,daemonsets}.json and
// <ns>/<pod>/logs.txt (one per pod: the current log of its last container
// by name, as kubectl writes one file per pod). No namespaces, RBAC,
// leases, APIServices, EndpointSlices, CRDs, webhooks, discovery, version
// or previous logs: a dump holds none.
func ClusterInfoDump(native map[string]string) (map[string]string, error) {
	lists, err := nativeLists(native)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if l := lists["nodes"]; l != nil {
		doc, err := listDoc(l, l.items)
		if err != nil {
			return nil, err
		}
		out["nodes.json"] = doc
	}
	for _, ns := range namespaceNames(lists) {
		for key, file := range dumpFiles {
			l := lists[key]
			if l == nil {
				continue
			}
			doc, err := listDoc(l, inNamespace(l, ns))
			if err != nil {
				return nil, err
			}
			out[ns+"/"+file] = doc
		}
	}
	for _, lg := range podLogs(native) {
		if !lg.previous {
			out[lg.namespace+"/"+lg.pod+"/logs.txt"] = lg.text // the last container wins
		}
	}
	return out, nil
}
