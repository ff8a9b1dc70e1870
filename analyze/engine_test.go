package analyze

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// symRule reports fixed symptoms.
type symRule struct {
	id    string
	nodes []Node
}

func (r symRule) ID() string                           { return r.id }
func (r symRule) Title() string                        { return "symptoms " + r.id }
func (r symRule) Symptoms(s *snapshot.Snapshot) []Node { return r.nodes }

// expRule explains nodes of some kinds with fn.
type expRule struct {
	id    string
	kinds []string
	fn    func(n Node) []Node
}

func (r expRule) ID() string    { return r.id }
func (r expRule) Title() string { return "explain " + r.id }
func (r expRule) Kinds() []Kind {
	var out []Kind
	for _, k := range r.kinds {
		out = append(out, ObjectKind(k))
	}
	return out
}
func (r expRule) Explain(s *snapshot.Snapshot, n Node) []Node { return r.fn(n) }

// fbRule is an expRule consulted only when nothing else explains a node.
type fbRule struct{ expRule }

func (fbRule) Fallback() {}

// idRule is neither a symptom nor an explain rule.
type idRule string

func (r idRule) ID() string    { return string(r) }
func (r idRule) Title() string { return string(r) }

func nd(kind, name, problem string) Node {
	return Node{Ref: Ref{Kind: ObjectKind(kind), Name: name}, Problem: problem}
}

func root(kind, name, problem string) Node {
	n := nd(kind, name, problem)
	n.Root, n.Fix, n.Verify = true, "fix "+name, Verify{Command: "verify " + name, Expect: "ok"}
	return n
}

// to explains a node named from by returning next.
func to(from string, next ...Node) func(Node) []Node {
	return func(n Node) []Node {
		if n.Name == from {
			return next
		}
		return nil
	}
}

func emptySnapshot(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	s, err := load.Snapshot(func(func(string, io.Reader) error) error { return nil }, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewEngineErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []Rule
		err   string
	}{
		{"no rules", nil, "no rules to run"},
		{"empty rule set", []Rule{}, "no rules to run"},
		{"nil rule", []Rule{symRule{id: "A"}, nil}, "a nil rule was registered"},
		{"duplicate ID", []Rule{symRule{id: "A"}, expRule{id: "A", kinds: []string{"Pod"}}}, "rule A registered twice"},
		{"useless rule", []Rule{idRule("B")}, "rule B neither finds symptoms nor explains nodes"},
		{"explains no kind", []Rule{symRule{id: "A"}, expRule{id: "B"}}, "rule B explains no node kind"},
		{"explains the zero kind", []Rule{expRule{id: "B", kinds: []string{""}}}, "rule B explains the zero kind"},
		{"nil view", []Rule{reqRule{symRule{id: "A"}, []snapshot.AnyView{nil}}}, "rule A requires a nil view"},
		{"fine", []Rule{symRule{id: "A"}, expRule{id: "B", kinds: []string{"Pod"}}, fbRule{expRule{id: "C", kinds: []string{"Pod"}}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewEngine(tt.rules)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || err.Error() != tt.err) {
				t.Errorf("err %v, want %q", err, tt.err)
			}
		})
	}
}

// chainOf renders a finding's chain as "Kind/name(rule) > ...".
func chainOf(f Finding) string {
	var parts []string
	for _, l := range f.Chain {
		parts = append(parts, l.Kind.String()+"/"+l.Name+"("+l.Rule+")")
	}
	return strings.Join(parts, " > ")
}

func TestEngineRun(t *testing.T) {
	t.Parallel()
	crit := nd("Namespace", "a", "stuck")
	crit.Severity = SeverityCritical
	info := nd("Thing", "i", "odd")
	info.Severity = SeverityInfo
	tests := []struct {
		name  string
		rules []Rule
		want  []string // per finding: "ID severity symptom | chain | root | also"
	}{
		{
			name:  "symptom alone is its own root",
			rules: []Rule{symRule{"S", []Node{root("ClusterRole", "r", "deleted")}}},
			want:  []string{"S warning ClusterRole/r | ClusterRole/r(S) | ClusterRole/r | "},
		},
		{
			name: "linear chain, rule IDs filled in",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E1", []string{"Namespace"}, to("a", nd("GroupVersion", "g/v1", "fails"))},
				expRule{"E2", []string{"GroupVersion"}, to("g/v1", root("Service", "svc", "missing"))},
			},
			want: []string{"E2 critical Namespace/a | Namespace/a(S) > GroupVersion/g/v1(E1) > Service/svc(E2) | Service/svc | "},
		},
		{
			name: "branches give one finding per root",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E", []string{"Namespace"}, to("a", root("Service", "x", "missing"), root("Service", "y", "missing"))},
			},
			want: []string{
				"E critical Namespace/a | Namespace/a(S) > Service/x(E) | Service/x | ",
				"E critical Namespace/a | Namespace/a(S) > Service/y(E) | Service/y | ",
			},
		},
		{
			name: "two symptoms sharing a root are grouped",
			rules: []Rule{
				symRule{"S", []Node{crit, nd("Namespace", "b", "stuck"), nd("Namespace", "c", "stuck")}},
				expRule{"E", []string{"Namespace"}, func(Node) []Node { return []Node{root("Component", "kcm", "down")} }},
			},
			want: []string{"E critical Namespace/a | Namespace/a(S) > Component/kcm(E) | Component/kcm | Namespace/b, Namespace/c"},
		},
		{
			name: "fallback only when no other rule explains",
			rules: []Rule{
				symRule{"S", []Node{crit, nd("Namespace", "b", "stuck")}},
				expRule{"E", []string{"Namespace"}, to("a", root("Service", "x", "missing"))},
				fbRule{expRule{"F", []string{"Namespace"}, func(n Node) []Node { return []Node{root("MissingEvidence", "cause of "+n.Name, "none")} }}},
			},
			want: []string{
				"E critical Namespace/a | Namespace/a(S) > Service/x(E) | Service/x | ",
				"F warning Namespace/b | Namespace/b(S) > MissingEvidence/cause of b(F) | MissingEvidence/cause of b | ",
			},
		},
		{
			name: "a cycle stops at the repeated node",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E", []string{"Namespace", "Pod"}, func(n Node) []Node {
					if n.Kind == KindNamespace {
						return []Node{nd("Pod", "p", "stuck")}
					}
					return []Node{crit}
				}},
			},
			want: []string{"E critical Namespace/a | Namespace/a(S) > Pod/p(E) | Pod/p | "},
		},
		{
			name: "Root stops the walk even if a rule could go on",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E", []string{"Namespace", "Service"}, func(n Node) []Node {
					if n.Kind == KindNamespace {
						return []Node{root("Service", "x", "missing")}
					}
					return []Node{root("Deployment", "d", "scaled to 0")}
				}},
			},
			want: []string{"E critical Namespace/a | Namespace/a(S) > Service/x(E) | Service/x | "},
		},
		{
			name: "covered root and a root inside a longer chain fold into it",
			rules: []Rule{
				symRule{"K", []Node{nd("Component", "kcm", "crash-looping")}},
				symRule{"R", []Node{root("ClusterRole", "role", "deleted"), root("ClusterRoleBinding", "bind", "deleted"), root("ClusterRole", "other", "deleted")}},
				expRule{"E", []string{"Component"}, func(Node) []Node {
					n := root("ClusterRole", "role", "deleted, kcm exits")
					n.Covers = []Ref{{Kind: KindClusterRoleBinding, Name: "bind"}}
					return []Node{n}
				}},
			},
			want: []string{
				"E warning Component/kcm | Component/kcm(K) > ClusterRole/role(E) | ClusterRole/role | ClusterRoleBinding/bind",
				"R warning ClusterRole/other | ClusterRole/other(R) | ClusterRole/other | ",
			},
		},
		{
			name: "a rule refining the same object makes one link",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E", []string{"Namespace"}, to("a", nd("Pod", "p", "not ready"))},
				expRule{"F", []string{"Pod"}, to("p", root("Pod", "p", "crash-looping"))},
			},
			want: []string{"F critical Namespace/a | Namespace/a(S) > Pod/p(F) | Pod/p | "},
		},
		{
			name: "a refined symptom keeps its severity and is its own finding",
			rules: []Rule{
				symRule{"S", []Node{crit}},
				expRule{"E", []string{"Namespace"}, to("a", root("Namespace", "a", "finer"))},
			},
			want: []string{"E critical Namespace/a | Namespace/a(E) | Namespace/a | "},
		},
		{
			name: "most severe first, stable otherwise",
			rules: []Rule{
				symRule{"S", []Node{info, nd("Thing", "w", "odd"), crit}},
				expRule{"E", []string{"Thing", "Namespace"}, func(n Node) []Node { return []Node{root("Cause", n.Name, "x")} }},
			},
			want: []string{
				"E critical Namespace/a | Namespace/a(S) > Cause/a(E) | Cause/a | ",
				"E warning Thing/w | Thing/w(S) > Cause/w(E) | Cause/w | ",
				"E info Thing/i | Thing/i(S) > Cause/i(E) | Cause/i | ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEngine(tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range e.Run(emptySnapshot(t)) {
				var also []string
				for _, a := range f.AlsoAffects {
					also = append(also, a.Kind.String()+"/"+a.Name)
				}
				got = append(got, fmt.Sprintf("%s %s %s/%s | %s | %s/%s | %s", f.ID, f.Severity, f.Symptom.Kind, f.Symptom.Name, chainOf(f),
					f.RootCause.Kind, f.RootCause.Name, strings.Join(also, ", ")))
				if f.Fix == "" || f.Verify.IsZero() {
					t.Errorf("finding %s without fix or verify", f.Symptom.Name)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestEngineCaps(t *testing.T) {
	t.Parallel()
	// An endless chain: every node is blocked by a new one.
	deeper := expRule{"E", []string{"Step"}, func(n Node) []Node {
		var i int
		fmt.Sscan(n.Name, &i)
		return []Node{nd("Step", fmt.Sprint(i+1), "blocked")}
	}}
	e, err := NewEngine([]Rule{symRule{"S", []Node{nd("Step", "0", "blocked")}}, deeper})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Run(emptySnapshot(t))
	if len(fs) != 1 || len(fs[0].Chain) != MaxChainLength {
		t.Fatalf("endless chain: %d findings, chain %d", len(fs), len(fs[0].Chain))
	}
	// An endless binary tree: every node is blocked by two new ones.
	tree := expRule{"E", []string{"Step"}, func(n Node) []Node {
		return []Node{nd("Step", n.Name+"0", "blocked"), nd("Step", n.Name+"1", "blocked")}
	}}
	e, err = NewEngine([]Rule{symRule{"S", []Node{nd("Step", "", "blocked")}}, tree})
	if err != nil {
		t.Fatal(err)
	}
	fs = e.Run(emptySnapshot(t))
	if len(fs) != MaxChainsPerSymptom {
		t.Errorf("binary tree: %d findings, want %d", len(fs), MaxChainsPerSymptom)
	}
	for _, f := range fs {
		if !slices.ContainsFunc(f.Missing, func(m string) bool { return strings.Contains(m, "the others were not followed") }) {
			t.Fatalf("capped symptom's finding does not say it was cut: missing %q", f.Missing)
		}
	}
	// Under the cap nothing says it was cut.
	fs = e0(t).Run(emptySnapshot(t))
	if len(fs) != 2 {
		t.Fatalf("two independent causes: %d findings, want 2", len(fs))
	}
	for _, f := range fs {
		if slices.ContainsFunc(f.Missing, func(m string) bool { return strings.Contains(m, "not followed") }) {
			t.Errorf("uncapped finding says it was cut: %q", f.Missing)
		}
	}
}

func TestEngineStalledChain(t *testing.T) {
	t.Parallel()
	e, err := NewEngine([]Rule{
		symRule{"S", []Node{nd("Namespace", "a", "stuck")}},
		expRule{"E", []string{"Namespace"}, to("a", Node{Ref: Ref{Kind: KindFinalizer, Namespace: "a", Name: "x.io/y"}, Problem: "remains", Missing: []string{"logs"}})},
	})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Run(emptySnapshot(t))
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	if !strings.Contains(f.Fix, "cannot follow the chain past Finalizer a/x.io/y (remains)") || !strings.Contains(f.Verify.Expect, "Namespace a") {
		t.Errorf("fix %q verify %q", f.Fix, f.Verify)
	}
	if strings.Join(f.Missing, "|") != "logs|what blocks Finalizer a/x.io/y: no rule explains it from this bundle" {
		t.Errorf("missing %q", f.Missing)
	}
	if f.Summary != "stuck; root cause: Finalizer a/x.io/y" {
		t.Errorf("summary %q", f.Summary)
	}
}

func TestRunReport(t *testing.T) {
	t.Parallel()
	r, err := Run(emptySnapshot(t), []Rule{symRule{id: "S"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Findings == nil || len(r.Findings) != 0 || r.Bundle.Layout != "nsbundle" || r.Bundle.CollectedAt != "" {
		t.Errorf("report %+v", r)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "collection time unknown") {
		t.Errorf("notes %q", r.Notes)
	}
	if _, err := Run(emptySnapshot(t), []Rule{idRule("X")}); err == nil || !strings.Contains(err.Error(), "registering rules") {
		t.Errorf("bad rules: %v", err)
	}
}

func TestEngineRefineMergesEvidence(t *testing.T) {
	t.Parallel()
	e1 := Evidence{Path: "a.json", Pointer: "/items/0", Value: "x"}
	e2 := Evidence{Path: "b.log", Line: 3, Value: "y"}
	sym := nd("Component", "kcm", "crash-looping")
	sym.Severity, sym.Summary, sym.Evidence = SeverityCritical, "kcm crash-loops", []Evidence{e1}
	finer := nd("Component", "kcm", "runs with other credentials")
	finer.Evidence = []Evidence{e1, e2} // not Root, no Fix
	e, err := NewEngine([]Rule{symRule{"S", []Node{sym}}, expRule{"E", []string{"Component"}, func(Node) []Node { return []Node{finer} }}})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Run(emptySnapshot(t))
	if len(fs) != 1 || len(fs[0].Chain) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	l := f.Chain[0]
	if l.Problem != "runs with other credentials" || l.Rule != "E" || len(l.Evidence) != 2 || l.Evidence[0] != e1 || l.Evidence[1] != e2 {
		t.Errorf("refined link %+v", l)
	}
	if f.Severity != SeverityCritical || f.Summary != "kcm crash-loops" || f.RootCause.Problem != "runs with other credentials" {
		t.Errorf("finding %+v", f)
	}
	if f.Fix == "" || f.Verify.IsZero() {
		t.Errorf("refined root without a fix: fix %q verify %q", f.Fix, f.Verify)
	}
}

// reqRule is a rule that requires views.
type reqRule struct {
	symRule
	views []snapshot.AnyView
}

func (r reqRule) Requires() []snapshot.AnyView { return r.views }

func TestNewEngineEmptyIsErrNoRules(t *testing.T) {
	t.Parallel()
	if _, err := NewEngine(nil); !errors.Is(err, ErrNoRules) {
		t.Errorf("NewEngine(nil): %v, want ErrNoRules", err)
	}
	if _, err := Run(emptySnapshot(t), nil); !errors.Is(err, ErrNoRules) {
		t.Errorf("Run without rules: %v, want ErrNoRules", err)
	}
}

// TestEngineRequires: the engine lists each required view once, computes
// each once before the rules run, and a rule reads the computed value.
func TestEngineRequires(t *testing.T) {
	t.Parallel()
	builds := 0
	count := snapshot.NewView("namespaces counted", func(s *snapshot.Snapshot) int { builds++; return len(s.Namespaces) + 41 })
	other := snapshot.NewView("unused by Run", func(*snapshot.Snapshot) string { return "x" })
	var seen int
	reader := readerRule{reqRule{symRule{id: "A"}, []snapshot.AnyView{count, other}}, func(s *snapshot.Snapshot) { seen = count.Of(s) }}
	e, err := NewEngine([]Rule{reader, reqRule{symRule{id: "B"}, []snapshot.AnyView{count}}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range e.Views() {
		names = append(names, v.Name())
	}
	if got := strings.Join(names, ", "); got != "namespaces counted, unused by Run" {
		t.Errorf("views %q", got)
	}
	e.Run(emptySnapshot(t))
	if builds != 1 || seen != 41 {
		t.Errorf("built %d times, rule saw %d; want 1 and 41", builds, seen)
	}
}

// readerRule calls read when asked for symptoms.
type readerRule struct {
	reqRule
	read func(*snapshot.Snapshot)
}

func (r readerRule) Symptoms(s *snapshot.Snapshot) []Node { r.read(s); return nil }

// e0 is an engine whose symptom has two independent causes.
func e0(t *testing.T) *Engine {
	t.Helper()
	two := expRule{"E", []string{"Step"}, func(n Node) []Node {
		if n.Name != "" {
			return nil
		}
		a, b := nd("Step", "a", "blocked"), nd("Step", "b", "blocked")
		a.Root, b.Root = true, true
		a.Fix, a.Verify, b.Fix, b.Verify = "f", Verify{Command: "v"}, "f", Verify{Command: "v"}
		return []Node{a, b}
	}}
	e, err := NewEngine([]Rule{symRule{"S", []Node{nd("Step", "", "blocked")}}, two})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEngineOneStep: Symptoms and Explain run the rules without walking,
// name each node's rule, compute the required views first, and Explain
// consults fallbacks only when no other rule explains the node.
func TestEngineOneStep(t *testing.T) {
	t.Parallel()
	builds := 0
	v := snapshot.NewView("counted", func(*snapshot.Snapshot) int { builds++; return 1 })
	sym := reqRule{symRule{"S", []Node{nd("Step", "", "blocked")}}, []snapshot.AnyView{v}}
	exp := expRule{"E", []string{"Step"}, to("", nd("Step", "a", "blocked"))}
	fb := fbRule{expRule{"F", []string{"Step"}, func(Node) []Node { return []Node{nd("Step", "fb", "blocked")} }}}
	e, err := NewEngine([]Rule{sym, exp, fb})
	if err != nil {
		t.Fatal(err)
	}
	s := emptySnapshot(t)
	got := e.Symptoms(s)
	if len(got) != 1 || got[0].Rule != "S" || builds != 1 {
		t.Errorf("Symptoms: %+v, views built %d times; want one node of rule S, built once", got, builds)
	}
	if got := e.Explain(s, nd("Step", "", "blocked")); len(got) != 1 || got[0].Name != "a" || got[0].Rule != "E" {
		t.Errorf("Explain: %+v, want Step a from rule E", got)
	}
	if got := e.Explain(s, nd("Step", "other", "blocked")); len(got) != 1 || got[0].Name != "fb" || got[0].Rule != "F" {
		t.Errorf("Explain with no explanation: %+v, want the fallback's Step fb", got)
	}
	if got := e.Explain(s, nd("Other", "", "blocked")); len(got) != 0 {
		t.Errorf("Explain of a kind no rule explains: %+v", got)
	}
}
