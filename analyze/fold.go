package analyze

import "sort"

// toFinding turns one chain, symptom first, into a finding: the symptom's
// severity and summary, the root's fix and verify, every link's missing
// evidence. Findings are then folded by root cause (group, foldCovered).
func toFinding(chain []Node) Finding {
	sym, root := chain[0], chain[len(chain)-1]
	f := Finding{
		ID:        root.Rule,
		Signature: Signature(root.Rule, root.Ref),
		Severity:  sym.Severity,
		Symptom:   sym.Ref,
		Summary:   sym.Summary,
		RootCause: RootCause{Ref: root.Ref, Problem: root.Problem},
		Fix:       root.Fix,
		Verify:    root.Verify,
		covers:    root.Covers,
	}
	if f.Severity == "" {
		f.Severity = SeverityWarning
	}
	if f.Summary == "" {
		f.Summary = sym.Problem
	}
	if len(chain) > 1 {
		f.Summary += "; root cause: " + describe(root.Ref)
	}
	for _, n := range chain {
		f.Chain = append(f.Chain, Link{Ref: n.Ref, Rule: n.Rule, Problem: n.Problem, Evidence: n.Evidence})
		f.Missing = append(f.Missing, n.Missing...)
	}
	if f.Fix == "" {
		// No rule could follow the chain further (or a root came without a
		// fix): say so rather than leave the finding without advice.
		f.Fix = "nsbundle cannot follow the chain past " + describe(root.Ref) + " (" + root.Problem + "): inspect it and whatever should act on it. Do not strip finalizers to hide it."
		f.Missing = append(f.Missing, "what blocks "+describe(root.Ref)+": no rule explains it from this bundle")
	}
	if f.Verify.IsZero() {
		f.Verify = Verify{
			Command: "nsbundle collect -o after.tgz && nsbundle analyze after.tgz",
			Expect:  "no finding for " + describe(sym.Ref) + " in the new bundle",
		}
	}
	f.Missing = dedupe(f.Missing)
	return f
}

// describe prints a ref as "Kind namespace/name".
func describe(r Ref) string {
	if r.Namespace != "" {
		return r.Kind.String() + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind.String() + " " + r.Name
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// group folds findings that share a root cause into one: the first symptom
// keeps its chain and the others are listed in AlsoAffects.
func group(fs []Finding) []Finding {
	type key struct {
		id   string
		root Ref
	}
	var out []Finding
	at := map[key]int{}
	for _, f := range fs {
		k := key{f.ID, f.RootCause.Ref}
		if i, ok := at[k]; ok {
			addAffected(&out[i], f.Symptom)
			continue
		}
		at[k] = len(out)
		out = append(out, f)
	}
	out = foldCovered(out)
	sort.SliceStable(out, func(i, j int) bool {
		return severityRank(out[i].Severity) < severityRank(out[j].Severity)
	})
	return out
}

// foldCovered merges a finding into a longer one whose chain contains its
// root cause object, or whose root cause covers it (e.g. a deleted bootstrap
// ClusterRole reported on its own and as the end of the controller-manager
// chain).
func foldCovered(fs []Finding) []Finding {
	folded := make([]bool, len(fs))
	for i := range fs {
		for j := range fs {
			if i == j || folded[j] || len(fs[j].Chain) <= 1 {
				continue
			}
			longer := len(fs[j].Chain) > len(fs[i].Chain)
			if (longer && chainHas(fs[j], fs[i].RootCause.Ref)) || refIn(fs[j].covers, fs[i].RootCause.Ref) {
				folded[i] = true
				addAffected(&fs[j], fs[i].Symptom)
				for _, a := range fs[i].AlsoAffects {
					addAffected(&fs[j], a)
				}
				fs[j].Missing = dedupe(append(fs[j].Missing, fs[i].Missing...))
				break
			}
		}
	}
	var out []Finding
	for i, f := range fs {
		if !folded[i] {
			out = append(out, f)
		}
	}
	return out
}

func chainHas(f Finding, r Ref) bool {
	for _, l := range f.Chain {
		if l.Ref == r {
			return true
		}
	}
	return false
}

func refIn(list []Ref, r Ref) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

func addAffected(f *Finding, r Ref) {
	if r == f.RootCause.Ref {
		return // the root cause is not one of its own symptoms
	}
	f.AlsoAffects = appendRef(f.AlsoAffects, r, f.Symptom)
}

func appendRef(list []Ref, r, self Ref) []Ref {
	if r == self {
		return list
	}
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}

func severityRank(s Severity) int {
	switch s {
	case SeverityCritical:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}
