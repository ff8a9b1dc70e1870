package rules

import (
	"regexp"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
	"github.com/nsbundle/nsbundle/bundle"
)

// nsGVParsing (NSB-NS-009): discovery lists a group-version the namespace
// controller cannot parse. client-go's GroupVersionResources then returns
// the error instead of the list, so the controller deletes nothing in any
// group and keeps spec.finalizers ["kubernetes"] (KUBERNETES-FACTS.md §1.1,
// §1.2 step 3).
type nsGVParsing struct{}

func (nsGVParsing) ID() string { return "NSB-NS-009" }
func (nsGVParsing) Title() string {
	return "Namespace blocked by a malformed group-version in discovery"
}
func (nsGVParsing) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

// badGVInMessage finds schema.ParseGroupVersion's error text.
var badGVInMessage = regexp.MustCompile(`unexpected GroupVersion string: (\S+)`)

func (r nsGVParsing) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns, c, i := failingNamespace(s, n.Name, condGVParsingFailure)
	if ns == nil {
		return nil
	}
	evs := []analyze.Evidence{condEv(&ns.Object, c, i)}
	bad := ""
	if m := badGVInMessage.FindStringSubmatch(c.Message); m != nil {
		bad = m[1]
	}
	name, problem := bad, "discovery advertises the group-version \""+bad+"\", which is not <group>/<version>: "+
		"the namespace controller cannot parse it, so it drops its whole list of resources and deletes nothing"
	if bad == "" {
		name, problem = "unparseable", "the namespace controller could not parse a group-version that discovery advertises, "+
			"so it drops its whole list of resources and deletes nothing"
	}
	var served []string
	if bad != "" {
		for k, d := range s.Discovery {
			if d.GroupVersion == bad {
				evs = append(evs, analyze.Evidence{Path: bundle.DiscoveryResultsPath, Pointer: "/" + itoa(k) + "/groupVersion",
					Value: quote(d.GroupVersion + " (" + d.Source + " discovery, " + d.Path + ")")})
			}
		}
		group, _, _ := strings.Cut(strings.TrimPrefix(bad, "/"), "/")
		for _, a := range s.APIServices {
			if group != "" && a.Spec.Group == group {
				evs = append(evs, ev(a.Loc.At("spec", "group"), "APIService "+a.Name+" serves group "+group))
				served = append(served, a.Name)
			}
		}
	}
	fix := "Find the API server that advertises it: kubectl get --raw /apis | jq -r '.groups[].versions[].groupVersion' | grep -v '^[^/]*/[^/]*$'; then kubectl get apiservices."
	if len(served) > 0 {
		fix = "The group is served by APIService " + strings.Join(served, ", ") + ": fix the discovery document of the server behind it (each version must be a plain name such as v1beta1), " +
			"or delete the APIService if the extension is gone."
	}
	fix += " Once every group-version parses, the namespace controller deletes the content and removes the finalizer itself: do not strip it by hand."
	return []analyze.Node{{
		Ref:      ref(analyze.KindGroupVersion, "", name),
		Problem:  problem,
		Evidence: evs,
		Root:     true,
		Fix:      fix,
		Verify:   verifyNamespaceGone(ns.Name),
	}}
}
