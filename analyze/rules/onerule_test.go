package rules_test

import (
	"strings"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/rules"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// engineOf is an engine running the rule with that ID alone.
func engineOf(t *testing.T, id string) *analyze.Engine {
	t.Helper()
	r := rules.ByID(id)
	if r == nil {
		t.Fatalf("no rule %s", id)
	}
	e, err := analyze.NewEngine([]analyze.Rule{r})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// explain runs the rule with that ID alone on s: what it says blocks n.
func explain(t *testing.T, id string, s *snapshot.Snapshot, n analyze.Node) []analyze.Node {
	t.Helper()
	return engineOf(t, id).Explain(s, n)
}

// nsNode is the node of Namespace name, as NSB-NS-001 reports it.
func nsNode(name string) analyze.Node {
	return analyze.Node{Ref: analyze.Ref{Kind: analyze.KindNamespace, Name: name}, Problem: "stuck Terminating"}
}

// wantNode is what one node a rule returns must hold: its ref ("Kind
// ns/name"), a substring of its problem, and evidence (path, pointer,
// substring of the value).
type wantNode struct {
	ref, problem string
	evidence     []wantEv
	root         bool
}

// checkNodes compares the nodes one rule returned with wants, in order.
func checkNodes(t *testing.T, id string, got []analyze.Node, wants []wantNode) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("%s returned %d nodes, want %d:\n%s", id, len(got), len(wants), dumpNodes(got))
		return
	}
	for i, w := range wants {
		n := got[i]
		if s := refString(n.Ref); s != w.ref {
			t.Errorf("node %d: ref %q, want %q", i, s, w.ref)
		}
		if n.Rule != id {
			t.Errorf("node %d: rule %q, want %q", i, n.Rule, id)
		}
		if !strings.Contains(n.Problem, w.problem) {
			t.Errorf("node %d: problem %q does not contain %q", i, n.Problem, w.problem)
		}
		if n.Root != w.root {
			t.Errorf("node %d: root %v, want %v", i, n.Root, w.root)
		}
		for _, we := range w.evidence {
			if !hasEvidence(n.Evidence, we) {
				t.Errorf("node %d: no evidence %+v among %+v", i, we, n.Evidence)
			}
		}
	}
	if t.Failed() {
		t.Logf("nodes:\n%s", dumpNodes(got))
	}
}

func dumpNodes(ns []analyze.Node) string {
	var b strings.Builder
	for i, n := range ns {
		b.WriteString("  [" + itoa(i) + "] " + n.Rule + " " + refString(n.Ref) + ": " + n.Problem + "\n")
		for _, e := range n.Evidence {
			b.WriteString("      " + e.Path + " " + e.Pointer + " = " + e.Value + "\n")
		}
	}
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}
