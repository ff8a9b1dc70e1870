package load

import (
	"cmp"
	"sort"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// finish applies the manifest, picks the layout and "now", and indexes.
func (l *loader) finish() {
	s := l.s
	best, n := snapshot.LayoutNative, -1
	for k, v := range l.layoutBy {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	if s.Manifest != nil {
		best = snapshot.LayoutNative
	}
	s.Layout = best
	if s.Manifest != nil {
		applyManifest(s, s.Manifest)
	}
	if s.GitVersion == "" {
		switch v, p, all := versionFromAPIServer(s); {
		case v != "":
			s.GitVersion = v
			l.note("cluster version not recorded: %s, the image tag of container kube-apiserver of Pod %s/%s", v, p.Namespace, p.Name)
		case len(all) > 1:
			l.note("cluster version not recorded, and the kube-apiserver pods run different images (%s): version unknown", strings.Join(all, ", "))
		}
	}
	if s.Now.IsZero() && !l.mgTime.IsZero() {
		s.Now = l.mgTime
	}
	if s.Now.IsZero() {
		s.Now = l.latest
		if s.Now.IsZero() {
			l.note("collection time unknown: durations are not computed")
		} else {
			l.note("collection time not recorded: using the latest timestamp in the bundle (%s)", s.Now.Format(time.RFC3339))
		}
	}
	l.layoutGaps()
	sort.SliceStable(s.Namespaces, func(i, j int) bool { return s.Namespaces[i].Name < s.Namespaces[j].Name })
	s.Reindex()
}

// can see, with what a missing one hides.
var gapChecks = []struct{ res, label, hides string }{
	{snapshot.ResNamespaces, "Namespace objects", "a namespace stuck Terminating cannot be seen"},
	{snapshot.ResAPIServices, "APIService objects", "an unavailable APIService cannot be named"},
	{snapshot.ResEndpointSlices, "EndpointSlice objects", "a Service without endpoints cannot be confirmed"},
	{snapshot.ResDiscovery, "API discovery results", "a failing group-version cannot be confirmed"},
	{snapshot.ResLeases, "Lease objects", "a dead or crash-looping kube-controller-manager cannot be confirmed"},
}

// layoutGaps notes what a foreign bundle lacks, so an empty report is not
// read as "healthy".
func (l *loader) layoutGaps() {
	if l.s.Layout == snapshot.LayoutNative {
		return
	}
	for _, g := range gapChecks {
		if !l.s.Collected(g.res) {
			l.note("this %s bundle holds no %s: %s; `nsbundle collect` gathers them", l.s.Layout, g.label, g.hides)
		}
	}
}

// applyManifest takes from an nsbundle manifest the collection time, the
// cluster version, the requests that failed and the logs' components.
func applyManifest(s *snapshot.Snapshot, m *bundle.Manifest) {
	if !m.End.IsZero() {
		s.Now = m.End
	}
	if s.GitVersion == "" {
		s.GitVersion = m.Cluster.GitVersion
	}
	markFailedRequests(s, m.Requests)
	for _, lf := range m.Logs {
		applyLogFile(s, lf)
	}
}

// markFailedRequests marks the resources whose requests failed: by the
// file a request would have written, else, for a list request that wrote
// no file, by its URL.
func markFailedRequests(s *snapshot.Snapshot, reqs []bundle.Request) {
	for _, req := range reqs {
		if req.File == "" || !req.Failed() {
			continue
		}
		if res, ok := resourceKeyFor(req.File); ok {
			s.MarkFailed(res, req.Status, req.Error)
		} else if req.File == bundle.DiscoveryResultsPath {
			s.MarkFailed(snapshot.ResDiscovery, req.Status, req.Error)
		}
	}
	for _, req := range reqs {
		if req.File != "" || !req.Failed() || req.Verb != "list" {
			continue
		}
		if res, ok := resourceKeyForURL(req.Path); ok {
			s.MarkFailed(res, req.Status, req.Error)
		}
	}
}

// applyLogFile gives the logs read from lf's path the component the
// manifest names, and records a log or audit log that could not be read.
func applyLogFile(s *snapshot.Snapshot, lf bundle.LogFile) {
	for _, lg := range s.Logs {
		if lg.Path == lf.Path && lf.Component != "" {
			// "--log kube-controller-manager.previous=..." still
			// belongs to kube-controller-manager.
			lg.Component = cmp.Or(snapshot.ComponentOf(lf.Component), lf.Component)
		}
	}
	if lf.Error != "" && lf.Audit {
		s.MarkFailed(snapshot.ResAudit, 0, lf.Error)
	} else if lf.Error != "" {
		s.MarkFailed(snapshot.ResLogs, 0, lf.Error)
	}
}
