package analyze

import (
	"errors"
	"fmt"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// MaxChainLength caps how many links the engine follows from a symptom.
const MaxChainLength = 16

// MaxChainsPerSymptom caps how many branches one symptom may produce;
// findings of a symptom that hit it say so in Missing, never silently.
const MaxChainsPerSymptom = 128

// Node is one vertex of the "is blocked by" graph: an object (or component,
// finalizer, group-version) and what is wrong with it.
type Node struct {
	Ref
	// Rule is the ID of the rule that produced the node.
	Rule string
	// Problem says what is wrong, in one sentence.
	Problem  string
	Evidence []Evidence
	// Severity and Summary are set on symptoms.
	Severity Severity
	Summary  string
	// Fix, Verify and Missing are used when the node ends a chain.
	Fix     string
	Verify  Verify
	Missing []string
	// Covers names further objects this root cause includes, so findings
	// rooted at them are folded into this one.
	Covers []Ref
	// Root stops the walk here even if another rule could go further.
	Root bool
	// Part names the part of the object the evidence is about, when the
	// object has several: the webhook a failure message names within its
	// configuration. Explain rules follow that part, not the first one.
	Part string
}

// Rule is a rule's identity.
type Rule interface {
	// ID is the stable rule ID, e.g. "NSB-NS-001".
	ID() string
	// Title is a short name for the rules table.
	Title() string
}

// SymptomRule finds the symptoms a person would notice.
type SymptomRule interface {
	Rule
	Symptoms(s *snapshot.Snapshot) []Node
}

// ExplainRule explains why a node of one kind is blocked: it returns the
// nodes that block it, or nothing.
type ExplainRule interface {
	Rule
	// Kinds lists the node kinds the rule explains.
	Kinds() []Kind
	Explain(s *snapshot.Snapshot, n Node) []Node
}

// Requirer is a rule that reads views of the snapshot shared with other
// rules (as a go/analysis Analyzer lists its Requires). The engine computes
// each required view once, before any rule runs, and rules read it typed,
// with View.Of; no rule needs to know which other rule uses it.
type Requirer interface {
	Rule
	Requires() []snapshot.AnyView
}

// FallbackRule marks an ExplainRule consulted only when no other rule
// explained the node.
type FallbackRule interface {
	ExplainRule
	Fallback()
}

// Engine runs rules over a snapshot.
type Engine struct {
	symptoms  []SymptomRule
	explain   map[Kind][]ExplainRule
	fallbacks map[Kind][]ExplainRule
	// views are the views the rules require, each listed once, in the order
	// the rules name them.
	views []snapshot.AnyView
}

// ErrNoRules is returned by NewEngine for an empty rule set: an engine
// without rules would report "no blocking chains" for any bundle.
var ErrNoRules = errors.New("no rules to run")

// NewEngine registers rules; a rule may be both a symptom and an explain rule.
func NewEngine(rules []Rule) (*Engine, error) {
	if len(rules) == 0 {
		return nil, ErrNoRules
	}
	e := &Engine{explain: map[Kind][]ExplainRule{}, fallbacks: map[Kind][]ExplainRule{}}
	seen := map[string]bool{}
	required := map[snapshot.AnyView]bool{}
	for _, r := range rules {
		if r == nil {
			return nil, errors.New("a nil rule was registered")
		}
		if seen[r.ID()] {
			return nil, fmt.Errorf("rule %s registered twice", r.ID())
		}
		seen[r.ID()] = true
		used := false
		if sr, ok := r.(SymptomRule); ok {
			e.symptoms = append(e.symptoms, sr)
			used = true
		}
		if er, ok := r.(ExplainRule); ok {
			if len(er.Kinds()) == 0 {
				return nil, fmt.Errorf("rule %s explains no node kind", r.ID())
			}
			for _, k := range er.Kinds() {
				if k.IsZero() {
					return nil, fmt.Errorf("rule %s explains the zero kind", r.ID())
				}
				if _, fb := r.(FallbackRule); fb {
					e.fallbacks[k] = append(e.fallbacks[k], er)
				} else {
					e.explain[k] = append(e.explain[k], er)
				}
			}
			used = true
		}
		if !used {
			return nil, fmt.Errorf("rule %s neither finds symptoms nor explains nodes", r.ID())
		}
		if rr, ok := r.(Requirer); ok {
			for _, v := range rr.Requires() {
				if v == nil {
					return nil, fmt.Errorf("rule %s requires a nil view", r.ID())
				}
				if !required[v] {
					required[v] = true
					e.views = append(e.views, v)
				}
			}
		}
	}
	return e, nil
}

// Views lists the views the registered rules require, each once.
func (e *Engine) Views() []snapshot.AnyView { return append([]snapshot.AnyView(nil), e.views...) }

// prepare computes the views the rules require.
func (e *Engine) prepare(s *snapshot.Snapshot) {
	for _, v := range e.views {
		v.Prepare(s)
	}
}

// Symptoms returns the symptoms the engine's symptom rules find in s, each
// with its rule's ID, without following them. With an engine of one rule,
// it runs that rule alone (its required views computed first).
func (e *Engine) Symptoms(s *snapshot.Snapshot) []Node {
	e.prepare(s)
	return e.symptomsOf(s)
}

func (e *Engine) symptomsOf(s *snapshot.Snapshot) []Node {
	var out []Node
	for _, sr := range e.symptoms {
		for _, sym := range sr.Symptoms(s) {
			if sym.Rule == "" {
				sym.Rule = sr.ID()
			}
			out = append(out, sym)
		}
	}
	return out
}

// Explain returns what blocks n, one step: the nodes the engine's explain
// rules for n's kind return (its fallback rules only when no other rule
// does), each with its rule's ID. With an engine of one rule, it runs that
// rule alone (its required views computed first).
func (e *Engine) Explain(s *snapshot.Snapshot, n Node) []Node {
	e.prepare(s)
	return e.blockers(s, n)
}

// Run finds every symptom, follows its chains to their roots and returns
// the findings, grouped by root cause.
func (e *Engine) Run(s *snapshot.Snapshot) []Finding {
	e.prepare(s)
	var out []Finding
	for _, sym := range e.symptomsOf(s) {
		chains, cut := e.chains(s, sym)
		for _, chain := range chains {
			f := toFinding(chain)
			if cut {
				f.Missing = append(f.Missing, fmt.Sprintf("the rest of what blocks %s: more than %d chains lead from it, and the others were not followed", describe(sym.Ref), MaxChainsPerSymptom))
			}
			out = append(out, f)
		}
	}
	return group(out)
}

// chains walks depth-first from n and returns every path to a root, at
// most MaxChainsPerSymptom; cut is true when more were left unexplored.
func (e *Engine) chains(s *snapshot.Snapshot, sym Node) (out [][]Node, cut bool) {
	var walk func(path []Node)
	walk = func(path []Node) {
		if len(out) >= MaxChainsPerSymptom {
			cut = true
			return
		}
		n := path[len(path)-1]
		var next []Node
		if !n.Root && len(path) < MaxChainLength {
			next = e.blockers(s, n)
		}
		var fresh []Node
		for _, b := range next {
			if !onPath(path, b) {
				fresh = append(fresh, b)
			}
		}
		if len(fresh) == 0 {
			out = append(out, append([]Node(nil), path...))
			return
		}
		for _, b := range fresh {
			if b.Ref == n.Ref {
				// The rule refined the same object (e.g. "not ready" becomes
				// "cannot be scheduled"): one link, not two.
				walk(append(path[:len(path)-1:len(path)-1], refine(n, b)))
				continue
			}
			walk(append(path[:len(path):len(path)], b))
		}
	}
	walk([]Node{sym})
	return out, cut
}

// refine merges b, a finer statement about the same object, into n.
func refine(n, b Node) Node {
	out := b
	out.Severity, out.Summary = n.Severity, n.Summary
	out.Evidence = append(append([]Evidence(nil), n.Evidence...), b.Evidence...)
	seen := map[Evidence]bool{}
	var evs []Evidence
	for _, e := range out.Evidence {
		if !seen[e] {
			seen[e] = true
			evs = append(evs, e)
		}
	}
	out.Evidence = evs
	if !out.Root {
		out.Root = true // a refinement ends the walk at this object
	}
	return out
}

func (e *Engine) blockers(s *snapshot.Snapshot, n Node) []Node {
	var out []Node
	for _, r := range e.explain[n.Kind] {
		for _, b := range r.Explain(s, n) {
			if b.Rule == "" {
				b.Rule = r.ID()
			}
			out = append(out, b)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, r := range e.fallbacks[n.Kind] {
		for _, b := range r.Explain(s, n) {
			if b.Rule == "" {
				b.Rule = r.ID()
			}
			out = append(out, b)
		}
	}
	return out
}

func onPath(path []Node, n Node) bool {
	for _, p := range path {
		if p.Ref == n.Ref && p.Problem == n.Problem {
			return true
		}
	}
	return false
}
