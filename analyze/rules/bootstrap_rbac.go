package rules

import (
	"fmt"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/analyze/restore"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// bootstrapRBAC (NSB-RBAC-001): bootstrap RBAC objects that kube-apiserver
// creates at start are missing or no longer grant what they should, compared
// with the embedded policy of the cluster's version (generated from the
// Kubernetes source). Components that depend on them fail at their next
// restart.
type bootstrapRBAC struct{}

func (bootstrapRBAC) ID() string    { return "NSB-RBAC-001" }
func (bootstrapRBAC) Title() string { return "Bootstrap RBAC object deleted or reduced" }

// Requires the comparison with the bootstrap policy.
func (bootstrapRBAC) Requires() []snapshot.AnyView { return []snapshot.AnyView{bootstrapDiffView} }

func (r bootstrapRBAC) Symptoms(s *snapshot.Snapshot) []analyze.Node {
	check := bootstrapDiffView.Of(s)
	var out []analyze.Node
	for _, d := range check.diffs {
		if d.FeatureGated || d.Kind == bootstrap.AutoupdateDisabled {
			continue
		}
		m := rbacRef(d.Ref)
		problem, value := describeDiff(d)
		fix := bootstrapFix(s, m, d.Protected)
		out = append(out, analyze.Node{
			Ref:      m,
			Problem:  problem,
			Evidence: rbacEvidence(s, m, value+"; compared with "+check.policy),
			Severity: analyze.SeverityWarning,
			Summary:  "Bootstrap " + describeRef(m) + " " + problem,
			Root:     true,
			Fix:      fix,
			Verify:   bootstrapVerify(m, d),
		})
	}
	return out
}

// bootstrapFix is the fix of a deleted or reduced bootstrap object: the
// nsbundle bootstrap-rbac command that restores it when the cluster's
// version has an embedded policy, a kube-apiserver restart where the
// customer runs it, and what to do first when autoupdate is "false".
func bootstrapFix(s *snapshot.Snapshot, m analyze.Ref, protected bool) string {
	cmd := restoreCommand(s, m)
	f := flavor.Of(s)
	annotate := "kubectl annotate " + kindArg(m.Kind) + kubectlNS(m.Namespace) + " " + m.Name + " rbac.authorization.kubernetes.io/autoupdate=true --overwrite"
	switch {
	case protected && cmd != "":
		return describeRef(m) + " carries rbac.authorization.kubernetes.io/autoupdate: \"false\", so neither a kube-apiserver restart nor kubectl auth reconcile repairs it: set the annotation to \"true\", then restore it from nsbundle's embedded bootstrap policy:\n" +
			commandLine(annotate) + commandLine(cmd)
	case protected:
		return describeRef(m) + " carries rbac.authorization.kubernetes.io/autoupdate: \"false\", so a kube-apiserver restart will not repair it: re-apply it from a healthy cluster of the same version, or set the annotation to \"true\" (" + annotate + ") and restart kube-apiserver."
	case f.Managed() && cmd != "":
		// The customer cannot restart a managed kube-apiserver.
		return "Restore " + describeRef(m) + " from nsbundle's embedded bootstrap policy:\n" + commandLine(cmd) +
			"The provider runs kube-apiserver (flavor " + f.String() + "): you cannot restart it yourself; if the object does not come back, open a ticket with the provider quoting this finding."
	case f.Managed():
		return "Re-apply " + describeRef(m) + " from a healthy cluster of the same version (without metadata.resourceVersion and uid). The provider runs kube-apiserver (flavor " + f.String() +
			"): you cannot restart it yourself; if the object does not come back, open a ticket with the provider quoting this finding."
	case cmd != "":
		return "Restore " + describeRef(m) + " from nsbundle's embedded bootstrap policy:\n" + commandLine(cmd) +
			"Restarting kube-apiserver" + apiserverRestartHow(s) + " restores it too (its rbac/bootstrap-roles hook recreates missing bootstrap RBAC objects and adds back missing rules and subjects at start; on HA control planes one instance at a time)."
	}
	return "Restart kube-apiserver" + apiserverRestartHow(s) + " (its rbac/bootstrap-roles hook recreates missing bootstrap RBAC objects and adds back missing rules and subjects at start; on HA control planes one instance at a time) or re-apply " +
		describeRef(m) + " from a healthy cluster of the same version."
}

// commandLine is a command on a line of its own in a fix, indented so that
// reports print it whole (never wrapped) and nothing sticks to its end.
func commandLine(cmd string) string { return "  " + cmd + "\n" }

// restoreCommand is the command line that prints refs from the embedded
// bootstrap policy of the cluster's version and reconciles them, e.g.
// "nsbundle bootstrap-rbac --version v1.37 clusterrole/system:discovery |
// kubectl auth reconcile -f -"; "" when that version has no embedded policy
// (unknown, or outside it) or one of refs is not in it: never a command
// with a guessed version.
func restoreCommand(s *snapshot.Snapshot, refs ...analyze.Ref) string {
	p, err := bootstrap.Exact(s.GitVersion)
	if err != nil {
		return ""
	}
	minor, ok := bootstrap.Minor(p.GitVersion)
	if !ok || len(refs) == 0 {
		return ""
	}
	args := []string{"nsbundle bootstrap-rbac --version", fmt.Sprintf("v1.%d", minor)}
	for _, r := range refs {
		br := bootstrap.Ref{Kind: r.Kind.String(), Namespace: r.Namespace, Name: r.Name}
		if _, ok := p.Get(br); !ok {
			return ""
		}
		args = append(args, br.Arg())
	}
	return strings.Join(args, " ") + " | kubectl auth reconcile -f -"
}

// describeDiff says what is wrong with a bootstrap object.
func describeDiff(d bootstrap.Diff) (problem, value string) {
	switch d.Kind {
	case bootstrap.Missing:
		return "was deleted (kube-apiserver recreates it only when it restarts)", d.Ref.Kind + " " + d.Ref.Name + " is absent from the collected list"
	case bootstrap.RulesReduced:
		var rs []string
		for i, r := range d.MissingRules {
			if i == 5 {
				rs = append(rs, fmt.Sprintf("and %d more", len(d.MissingRules)-5))
				break
			}
			rs = append(rs, strings.Join(r.Verbs, ",")+" "+strings.Join(r.APIGroups, ",")+"/"+strings.Join(append(r.Resources, r.NonResourceURLs...), ","))
		}
		return "no longer grants the bootstrap rules", "missing rules: " + strings.Join(rs, "; ")
	case bootstrap.SubjectsChanged:
		var ss []string
		for _, x := range d.MissingSubjects {
			ss = append(ss, x.Kind+" "+strings.TrimPrefix(x.Namespace+"/", "/")+x.Name)
		}
		return "lost bootstrap subjects", "missing subjects: " + strings.Join(ss, ", ")
	case bootstrap.RoleRefChanged:
		got := ""
		if d.GotRoleRef != nil {
			got = d.GotRoleRef.Kind + " " + d.GotRoleRef.Name
		}
		return "points at another role", "roleRef " + got
	case bootstrap.AggregationReduced:
		return "lost aggregation selectors", fmt.Sprintf("%d selectors missing", len(d.MissingSelectors))
	}
	return string(d.Kind), string(d.Kind)
}

// bootstrapDiffs compares the bundle's RBAC with the bootstrap policy of the
// cluster's version; nil when an RBAC list is missing or partial (an
// incomplete list would make every object look deleted).
func bootstrapDiffs(s *snapshot.Snapshot) []bootstrap.Diff { return bootstrapDiffView.Of(s).diffs }

// bootstrapCheck is the comparison and the policy it used.
type bootstrapCheck struct {
	diffs []bootstrap.Diff
	// policy names the list compared with, e.g. "v1.31.14", and why when
	// it is not the cluster's own version's.
	policy string
}

// bootstrapDiffView holds the comparison, computed once per snapshot: the
// RBAC rule and the controller-manager rule both read it.
var bootstrapDiffView = snapshot.NewView("bootstrap RBAC compared with the policy of the cluster's version", compareBootstrap)

// compareBootstrap does the work of bootstrapDiffs. A cluster whose version
// is unknown or outside the embedded lists is compared with what every
// embedded version shares, never with another version's list.
func compareBootstrap(s *snapshot.Snapshot) bootstrapCheck {
	actual, err := restore.Actual(s)
	if err != nil {
		return bootstrapCheck{}
	}
	p, err := bootstrap.For(s.GitVersion)
	if err != nil {
		return bootstrapCheck{}
	}
	name := "the bootstrap policy of " + p.GitVersion
	if p.Note != "" {
		name += " (" + p.Note + ")"
	}
	var diffs []bootstrap.Diff
	for _, d := range bootstrap.Compare(p, actual) {
		// A layout that lists roles one file per namespace may lack the
		// file of kube-system or kube-public: absence is then unknown.
		if d.Kind == bootstrap.Missing && !s.CompleteIn(rbacRes(rbacRef(d.Ref).Kind), d.Ref.Namespace) {
			continue
		}
		diffs = append(diffs, d)
	}
	return bootstrapCheck{diffs: diffs, policy: name}
}

func kindArg(kind analyze.Kind) string { return strings.ToLower(kind.String()) }

// bootstrapVerify checks that a restored bootstrap object is back: a
// deleted one exists again; a reduced one holds the policy's rules again
// (server-side dry run of the same restore changes nothing).
func bootstrapVerify(m analyze.Ref, d bootstrap.Diff) analyze.Verify {
	if d.Kind == bootstrap.Missing {
		return verifyCmd("kubectl get "+kindArg(m.Kind)+kubectlNS(m.Namespace)+" "+m.Name+" -o name",
			"exit status 0 and the object's name: "+describeRef(m)+" exists again (NotFound before the fix)")
	}
	return verifyCmd("kubectl get "+kindArg(m.Kind)+kubectlNS(m.Namespace)+" "+m.Name+" -o yaml",
		"the rules, subjects or roleRef the finding lists as lost are back, as in the bootstrap policy")
}
