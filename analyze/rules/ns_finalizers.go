package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// nsFinalizersRemaining (NSB-NS-004): content in the namespace carries
// metadata.finalizers that nobody removes.
type nsFinalizersRemaining struct{}

func (nsFinalizersRemaining) ID() string            { return "NSB-NS-004" }
func (nsFinalizersRemaining) Title() string         { return "Namespace content waits on finalizers" }
func (nsFinalizersRemaining) Kinds() []analyze.Kind { return []analyze.Kind{analyze.KindNamespace} }

// "Some content in the namespace has finalizers remaining: a/b in 2 resource instances, c in 1 resource instances"
var finalizerInMessage = regexp.MustCompile(`(?:remaining: |, )([^ ,]+) in (\d+) resource instances`)

func (r nsFinalizersRemaining) Explain(s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	ns := s.Namespace(n.Name)
	if ns == nil {
		return nil
	}
	found := map[string][]analyze.Evidence{}
	if c, i := snapshot.FindCondition(ns.Status.Conditions, condFinalizersRemain); c != nil && c.Status == "True" {
		for _, m := range finalizerInMessage.FindAllStringSubmatch(c.Message, -1) {
			found[m[1]] = append(found[m[1]], condEv(&ns.Object, c, i))
		}
	}
	if content := s.Content[ns.Name]; content != nil {
		for j, rc := range content.Value.Resources {
			for k, it := range rc.Items {
				for _, f := range it.Finalizers {
					if len(found[f]) < 4 {
						found[f] = append(found[f], ev(content.Loc.At("resources", itoa(j), "items", itoa(k)),
							resourceName(rc.Resource, rc.Group)+" "+it.Name+" finalizers "+joinQuoted(it.Finalizers)))
					} else if _, ok := found[f]; !ok {
						found[f] = nil
					}
				}
			}
		}
	}
	var names []string
	for f := range found {
		if f != "" {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	var out []analyze.Node
	for _, f := range names {
		out = append(out, analyze.Node{
			Ref:      ref(analyze.KindFinalizer, ns.Name, f),
			Problem:  "objects in " + ns.Name + " carry finalizer " + f + " and nothing has removed it",
			Evidence: found[f],
		})
	}
	return out
}

// finalizerDomain is the part of a finalizer before "/", which usually
// names the controller's project.
func finalizerDomain(f string) string {
	d, _, _ := strings.Cut(f, "/")
	return d
}
