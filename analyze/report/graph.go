package report

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze"
)

// A graph is the union of the chains of some findings: each object once,
// edges pointing from the blocked object to what blocks it.
type graph struct {
	nodes []*gnode
	edges []gedge
	byKey map[analyze.Ref]int
	seen  map[gedge]bool
	// day is the date node times leave out; when says how it began (see
	// graphTime).
	day  time.Time
	when string
}

// gnode is one object of a chain.
type gnode struct {
	ref     analyze.Ref
	problem string // from the first chain that reached it
	symptom bool   // a chain starts here
	root    bool   // a chain ends here
	missing bool   // evidence that was not in the bundle
	since   string // when the timeline first dates it (see seenLabel)
	// changed is who changed the object, from a root link (ChangedBy).
	changed *analyze.Change
}

// gedge goes from the blocked node to its blocker; same marks the dashed
// "same root cause" edge from an AlsoAffects symptom.
type gedge struct {
	from, to int
	same     bool
}

func newGraph(fs []analyze.Finding) *graph {
	g := &graph{byKey: map[analyze.Ref]int{}, seen: map[gedge]bool{}}
	for i := range fs {
		g.addFinding(&fs[i])
	}
	first := firstSeen(fs)
	g.day, g.when = graphTime(fs, first)
	for _, n := range g.nodes {
		n.since = seenLabel(first, n.ref, g.day)
		if n.changed != nil {
			n.since = changeLabel(n.changed, g.day)
		}
	}
	return g
}

func (g *graph) node(ref analyze.Ref, problem string) int {
	if i, ok := g.byKey[ref]; ok {
		if g.nodes[i].problem == "" {
			g.nodes[i].problem = problem
		}
		return i
	}
	g.byKey[ref] = len(g.nodes)
	g.nodes = append(g.nodes, &gnode{ref: ref, problem: problem, missing: ref.Kind == analyze.KindEvidence})
	return len(g.nodes) - 1
}

func (g *graph) edge(e gedge) {
	if e.from == e.to || g.seen[e] {
		return
	}
	g.seen[e] = true
	g.edges = append(g.edges, e)
}

func (g *graph) addFinding(f *analyze.Finding) {
	prev := -1
	for _, l := range f.Chain {
		i := g.node(l.Ref, l.Problem)
		if l.ChangedBy != nil && g.nodes[i].changed == nil {
			g.nodes[i].changed = l.ChangedBy
		}
		if prev < 0 {
			g.nodes[i].symptom = true
		} else {
			g.edge(gedge{from: prev, to: i})
		}
		prev = i
	}
	root := prev
	if rc := f.RootCause; !rc.Kind.IsZero() || rc.Name != "" {
		root = g.node(rc.Ref, rc.Problem)
		if prev >= 0 {
			g.edge(gedge{from: prev, to: root})
		}
	}
	if root < 0 {
		return
	}
	g.nodes[root].root = true
	for _, a := range f.AlsoAffects {
		i := g.node(a, "")
		g.nodes[i].symptom = true
		g.edge(gedge{from: i, to: root, same: true})
	}
}

// labelLines is what a node shows: its kind, its name (with namespace), its
// problem wrapped to a few short lines, and when it was first seen (or who
// changed it, for a root the audit log attributes); every part is cleaned.
func (n *gnode) labelLines(maxProblemLines int) []string {
	name := n.ref.Name
	if n.ref.Namespace != "" {
		name = n.ref.Namespace + "/" + name
	}
	out := []string{clean(n.ref.Kind.String()), clean(name)}
	if n.problem == "" {
		return n.withSince(out)
	}
	const lineWidth = 40
	ws := wrap(clean(n.problem), lineWidth)
	if len(ws) > maxProblemLines {
		ws = ws[:maxProblemLines]
		ws[maxProblemLines-1] += " …"
	}
	for i, w := range ws {
		ws[i] = shorten(w, lineWidth+10) // one unbreakable word must not widen the box
	}
	return n.withSince(append(out, ws...))
}

func (n *gnode) withSince(ls []string) []string {
	if n.since == "" {
		return ls
	}
	return append(ls, shorten(clean(n.since), 50))
}
