// Package diff compares the findings of two analyses of one cluster, BEFORE
// and AFTER a fix, and says what became of each blocking chain: resolved,
// persists, changed or new.
//
// It reads reports, not bundles: the caller analyses both bundles (with
// analyze.Analyze or analyze.Run) and gives the reports and each cluster's
// identity (ClusterUID).
package diff

import (
	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Status is what became of a chain between BEFORE and AFTER.
type Status string

// Statuses, in the order a report lists them.
const (
	// Persists: the same symptom is blocked by the same root cause through
	// the same links.
	Persists Status = "persists"
	// Changed: the same symptom with another root cause, or the same root
	// cause through other links (or blocking another symptom).
	Changed Status = "changed"
	// New: a chain AFTER has that matches nothing BEFORE.
	New Status = "new"
	// Resolved: a chain BEFORE has that matches nothing AFTER.
	Resolved Status = "resolved"
)

// Side describes one of the two bundles.
type Side struct {
	analyze.BundleInfo
	// ClusterUID identifies the cluster (the kube-system namespace's UID),
	// "" when the bundle does not have it.
	ClusterUID string `json:"clusterUID,omitempty"`
	// Findings is how many findings its analysis has.
	Findings int `json:"findings"`
}

// Chain is one chain and what became of it.
type Chain struct {
	Status Status `json:"status"`
	// Before is the finding in BEFORE (nil for New).
	Before *analyze.Finding `json:"before"`
	// After is the finding in AFTER (nil for Resolved).
	After *analyze.Finding `json:"after"`
	// Change says, for Changed, what differs, e.g. "root cause: Pod
	// kube-system/a -> Service kube-system/b".
	Change string `json:"change,omitempty"`
	// Evidence is, for Persists, the evidence in AFTER that shows the chain
	// is still there: every value AFTER quotes that BEFORE quoted too, or,
	// when none is unchanged (timestamps, counts), AFTER's evidence for the
	// root cause.
	Evidence []analyze.Evidence `json:"evidence,omitempty"`
}

// Result is the comparison of two analyses.
type Result struct {
	Before Side    `json:"before"`
	After  Side    `json:"after"`
	Chains []Chain `json:"chains"`
}

// Clean reports whether everything BEFORE had is resolved and nothing is new.
func (r *Result) Clean() bool {
	for _, c := range r.Chains {
		if c.Status != Resolved {
			return false
		}
	}
	return true
}

// Count returns how many chains have status s.
func (r *Result) Count(s Status) int {
	n := 0
	for _, c := range r.Chains {
		if c.Status == s {
			n++
		}
	}
	return n
}

// ClusterUID returns the UID of the snapshot's kube-system namespace, the
// identity a cluster keeps for its life (kubectl and most cluster
// inventories use it as the cluster ID; nsbundle's manifest records none of
// its own), or "" when the bundle does not hold it.
func ClusterUID(s *snapshot.Snapshot) string {
	for _, ns := range s.Namespaces {
		if ns.Name == "kube-system" {
			return ns.UID
		}
	}
	return ""
}

// Compare matches the findings of before and after (reports of one cluster
// BEFORE and AFTER a fix) and returns every chain with its status: those of
// AFTER in its order (persists, changed, new), then those resolved, in
// BEFORE's order. beforeUID and afterUID are the clusters' ClusterUID.
//
// Findings are matched in three passes, each taking the first unmatched
// candidate in AFTER's order:
//  1. same root cause and a common symptom: persists when the links are the
//     same, else changed;
//  2. same root cause, no common symptom: changed (it now blocks another
//     symptom);
//  3. a common symptom, another root cause: changed.
//
// "Same root cause" is the same rule and root kind, namespace and name up
// to generated parts (analyze.NormalizeName): a pod the ReplicaSet replaced
// is the same root. A symptom is the finding's symptom or one it also
// affects. Links are the same when each has the same kind, namespace,
// normalised name and rule; their problem text may differ (a duration).
func Compare(before, after *analyze.Report, beforeUID, afterUID string) *Result {
	res := &Result{
		Before: Side{BundleInfo: before.Bundle, ClusterUID: beforeUID, Findings: len(before.Findings)},
		After:  Side{BundleInfo: after.Bundle, ClusterUID: afterUID, Findings: len(after.Findings)},
	}
	bs, as := before.Findings, after.Findings
	matchOf := make([]int, len(as)) // index into bs, or -1
	for i := range matchOf {
		matchOf[i] = -1
	}
	taken := make([]bool, len(bs))
	passes := []func(b, a *analyze.Finding) bool{
		func(b, a *analyze.Finding) bool { return sameRoot(b, a) && shareSymptom(b, a) },
		sameRoot,
		shareSymptom,
	}
	for _, match := range passes {
		for j := range as {
			if matchOf[j] >= 0 {
				continue
			}
			for i := range bs {
				if !taken[i] && match(&bs[i], &as[j]) {
					taken[i], matchOf[j] = true, i
					break
				}
			}
		}
	}
	for j := range as {
		a := &as[j]
		if matchOf[j] < 0 {
			res.Chains = append(res.Chains, Chain{Status: New, After: a})
			continue
		}
		b := &bs[matchOf[j]]
		c := Chain{Before: b, After: a}
		switch {
		case !sameRoot(b, a):
			c.Status, c.Change = Changed, "root cause: "+describe(b.RootCause.Ref)+" -> "+describe(a.RootCause.Ref)
		case !sameLinks(b, a):
			c.Status, c.Change = Changed, "links: "+linkPath(b)+" -> "+linkPath(a)
		default:
			c.Status, c.Evidence = Persists, stillThere(b, a)
		}
		res.Chains = append(res.Chains, c)
	}
	for i := range bs {
		if !taken[i] {
			res.Chains = append(res.Chains, Chain{Status: Resolved, Before: &bs[i]})
		}
	}
	if res.Chains == nil {
		res.Chains = []Chain{}
	}
	return res
}

// key is a ref up to generated parts of its name.
type key struct {
	kind, namespace, name string
}

func keyOf(r analyze.Ref) key {
	return key{r.Kind.String(), r.Namespace, analyze.NormalizeName(r.Kind, r.Name)}
}

func sameRoot(b, a *analyze.Finding) bool {
	return b.ID == a.ID && keyOf(b.RootCause.Ref) == keyOf(a.RootCause.Ref)
}

func shareSymptom(b, a *analyze.Finding) bool {
	in := map[key]bool{keyOf(b.Symptom): true}
	for _, r := range b.AlsoAffects {
		in[keyOf(r)] = true
	}
	if in[keyOf(a.Symptom)] {
		return true
	}
	for _, r := range a.AlsoAffects {
		if in[keyOf(r)] {
			return true
		}
	}
	return false
}

func sameLinks(b, a *analyze.Finding) bool {
	if len(b.Chain) != len(a.Chain) {
		return false
	}
	for i := range b.Chain {
		if keyOf(b.Chain[i].Ref) != keyOf(a.Chain[i].Ref) || b.Chain[i].Rule != a.Chain[i].Rule {
			return false
		}
	}
	return true
}

// stillThere is the evidence of a persisting chain (see Chain.Evidence).
func stillThere(b, a *analyze.Finding) []analyze.Evidence {
	was := map[string]bool{}
	for _, l := range b.Chain {
		for _, e := range l.Evidence {
			was[e.Value] = true
		}
	}
	var out []analyze.Evidence
	seen := map[analyze.Evidence]bool{}
	for _, l := range a.Chain {
		for _, e := range l.Evidence {
			if was[e.Value] && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	if len(out) == 0 && len(a.Chain) > 0 {
		out = append(out, a.Chain[len(a.Chain)-1].Evidence...)
	}
	return out
}

// describe prints a ref as "Kind namespace/name".
func describe(r analyze.Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + " " + r.Name
}

// linkPath lists a chain's link kinds and names: "Namespace x > Pod y".
func linkPath(f *analyze.Finding) string {
	s := ""
	for i, l := range f.Chain {
		if i > 0 {
			s += " > "
		}
		s += describe(l.Ref)
	}
	return s
}

// DifferentClustersError says two bundles are of different clusters.
type DifferentClustersError struct {
	Before, After       string // the paths
	BeforeUID, AfterUID string
}

func (e *DifferentClustersError) Error() string {
	return "the bundles are of different clusters: " + e.Before + " has kube-system namespace UID " + e.BeforeUID +
		", " + e.After + " has " + e.AfterUID + " (--force compares them anyway)"
}

// CheckCluster returns a *DifferentClustersError when both sides' cluster
// UIDs are known and differ; nil when they match or one is unknown (the
// caller says so: the comparison cannot tell).
func (r *Result) CheckCluster() error {
	if r.Before.ClusterUID == "" || r.After.ClusterUID == "" || r.Before.ClusterUID == r.After.ClusterUID {
		return nil
	}
	return &DifferentClustersError{Before: r.Before.Path, After: r.After.Path, BeforeUID: r.Before.ClusterUID, AfterUID: r.After.ClusterUID}
}
