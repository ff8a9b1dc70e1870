package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// nsDiscovery (NSB-NS-002): the namespace controller could not discover
// every API group-version, so it keeps spec.finalizers ["kubernetes"].
type nsDiscovery struct{}

func (nsDiscovery) ID() string            { return "NSB-NS-002" }
func (nsDiscovery) Title() string         { return "Namespace blocked by failed API discovery" }
func (nsDiscovery) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

// gvInMessage finds "<group>/<version>: " entries of an ErrGroupDiscoveryFailed
// text ("unable to retrieve the complete list of server APIs: a/v1: err, b/v1: err").
var gvInMessage = regexp.MustCompile(`(?:server APIs: |, )([a-z0-9][a-z0-9.-]*/v[0-9][a-z0-9]*): `)

// staleGV matches aggregated discovery's own wording.
var staleGV = regexp.MustCompile(`stale GroupVersion discovery: ([a-z0-9][a-z0-9.-]*/v[0-9][a-z0-9]*)`)

// failingGroupVersions extracts the failing group-versions of a discovery
// error text, sorted and unique.
func failingGroupVersions(msg string) []string {
	set := map[string]bool{}
	for _, m := range gvInMessage.FindAllStringSubmatch(msg, -1) {
		set[m[1]] = true
	}
	for _, m := range staleGV.FindAllStringSubmatch(msg, -1) {
		set[m[1]] = true
	}
	var out []string
	for gv := range set {
		out = append(out, gv)
	}
	sort.Strings(out)
	return out
}

func (r nsDiscovery) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns, c, i := failingNamespace(s, n.Name, condDiscoveryFailure)
	if ns == nil {
		return nil
	}
	cond := condEv(&ns.Object, c, i)
	gvs := failingGroupVersions(c.Message)
	if len(gvs) == 0 {
		return []analyze.Node{{
			Ref:      ref(analyze.KindGroupVersion, "", "unknown"),
			Problem:  "discovery failed, but the condition names no group-version",
			Evidence: []analyze.Evidence{cond},
			Root:     true,
			Fix:      "Run `kubectl api-resources` to see which group-version fails, then check its APIService with `kubectl get apiservices`.",
			Verify:   verifyNamespaceGone(ns.Name),
		}}
	}
	var out []analyze.Node
	for _, gv := range gvs {
		evs := []analyze.Evidence{cond}
		evs = append(evs, collectorDiscoveryEvidence(s, gv)...)
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindGroupVersion, "", gv),
			Problem:  "discovery of " + gv + " fails, so the namespace controller cannot delete its content and keeps the namespace",
			Evidence: evs,
		})
	}
	return out
}

// collectorDiscoveryEvidence quotes what the collector itself saw when it
// discovered gv.
func collectorDiscoveryEvidence(s *snapshot.Snapshot, gv string) []analyze.Evidence {
	var out []analyze.Evidence
	for i, d := range s.Discovery {
		if d.GroupVersion == gv && d.Error != "" {
			out = append(out, analyze.Evidence{Path: bundle.DiscoveryResultsPath, Pointer: "/" + itoa(i) + "/error", Value: quote(d.Error)})
		}
	}
	for _, e := range s.DiscoveryErrors {
		if strings.Contains(e.Value, gv) {
			out = append(out, ev(e.Loc, e.Value))
		}
	}
	return out
}
