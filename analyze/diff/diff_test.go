package diff

import (
	"errors"
	"reflect"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
)

func ref(k analyze.Kind, ns, name string) analyze.Ref {
	return analyze.Ref{Kind: k, Namespace: ns, Name: name}
}

func link(r analyze.Ref, rule, problem string, values ...string) analyze.Link {
	l := analyze.Link{Ref: r, Rule: rule, Problem: problem}
	for _, v := range values {
		l.Evidence = append(l.Evidence, analyze.Evidence{Path: "resources/x.json", Pointer: "/items/0", Value: v})
	}
	return l
}

// finding builds a finding whose root cause is its last link.
func finding(links ...analyze.Link) analyze.Finding {
	root := links[len(links)-1]
	return analyze.Finding{ID: root.Rule, Symptom: links[0].Ref, Chain: links,
		RootCause: analyze.RootCause{Ref: root.Ref, Problem: root.Problem}}
}

var (
	nsReporting = ref(analyze.KindNamespace, "", "reporting")
	nsAnalytics = ref(analyze.KindNamespace, "", "analytics")
	apisvc      = ref(analyze.KindAPIService, "", "v1beta1.metrics.k8s.io")
	svc         = ref(analyze.KindService, "kube-system", "metrics-server")
	pod1        = ref(analyze.KindPod, "kube-system", "metrics-server-5b8cd9b74f-5mj9p")
	pod2        = ref(analyze.KindPod, "kube-system", "metrics-server-5b8cd9b74f-x2x7b") // the ReplicaSet's replacement
	node        = ref(analyze.KindNode, "", "worker-1")
	kcm         = ref(analyze.KindComponent, "", "kube-controller-manager")
	role        = ref(analyze.KindClusterRole, "", "system:kube-controller-manager")
)

// podChain: Namespace > APIService > Pod (NSB-POD-001).
func podChain(ns, p analyze.Ref, age string) analyze.Finding {
	return finding(link(ns, "NSB-NS-001", "stuck Terminating for "+age, "2026-11-23T09:16:43Z"),
		link(apisvc, "NSB-GV-001", "is not available", "Available=False (MissingEndpoints)"),
		link(p, "NSB-POD-001", "is not ready", "Ready=False"))
}

func report(path string, fs ...analyze.Finding) *analyze.Report {
	return &analyze.Report{Bundle: analyze.BundleInfo{Path: path}, Findings: fs}
}

func statuses(r *Result) []Status {
	var out []Status
	for _, c := range r.Chains {
		out = append(out, c.Status)
	}
	return out
}

func TestCompare(t *testing.T) {
	t.Parallel()
	kcmChain := finding(link(kcm, "NSB-KCM-001", "is crash-looping", "forbidden"), link(role, "NSB-KCM-002", "was deleted", "absent"))
	for _, c := range []struct {
		name          string
		before, after []analyze.Finding
		want          []Status
		change        string
		clean         bool
	}{
		{name: "fixed", before: []analyze.Finding{podChain(nsReporting, pod1, "77s")}, want: []Status{Resolved}, clean: true},
		{name: "nothing either side", want: nil, clean: true},
		{name: "persists, a longer wait", before: []analyze.Finding{podChain(nsReporting, pod1, "77s")},
			after: []analyze.Finding{podChain(nsReporting, pod1, "300s")}, want: []Status{Persists}},
		{name: "persists, the pod replaced by its ReplicaSet", before: []analyze.Finding{podChain(nsReporting, pod1, "77s")},
			after: []analyze.Finding{podChain(nsReporting, pod2, "300s")}, want: []Status{Persists}},
		{name: "new", after: []analyze.Finding{kcmChain}, want: []Status{New}},
		{name: "same symptom, other root",
			before: []analyze.Finding{podChain(nsReporting, pod1, "77s")},
			after: []analyze.Finding{finding(link(nsReporting, "NSB-NS-001", "stuck"), link(apisvc, "NSB-GV-001", "is not available"),
				link(svc, "NSB-APISVC-001", "does not exist"))},
			want: []Status{Changed}, change: "root cause: Pod kube-system/metrics-server-5b8cd9b74f-5mj9p -> Service kube-system/metrics-server"},
		{name: "same root, other links",
			before: []analyze.Finding{podChain(nsReporting, pod1, "77s")},
			after: []analyze.Finding{finding(link(nsReporting, "NSB-NS-001", "stuck"), link(apisvc, "NSB-GV-001", "is not available"),
				link(svc, "NSB-SVC-001", "no ready endpoints"), link(pod1, "NSB-POD-001", "is not ready"))},
			want:   []Status{Changed},
			change: "links: Namespace reporting > APIService v1beta1.metrics.k8s.io > Pod kube-system/metrics-server-5b8cd9b74f-5mj9p -> Namespace reporting > APIService v1beta1.metrics.k8s.io > Service kube-system/metrics-server > Pod kube-system/metrics-server-5b8cd9b74f-5mj9p"},
		{name: "same root, now blocking another symptom",
			before: []analyze.Finding{podChain(nsReporting, pod1, "77s")},
			after:  []analyze.Finding{podChain(nsAnalytics, pod1, "10s")},
			want:   []Status{Changed}},
		{name: "one fixed, one left, one new",
			before: []analyze.Finding{podChain(nsReporting, pod1, "77s"), kcmChain},
			after:  []analyze.Finding{kcmChain, finding(link(nsAnalytics, "NSB-NS-001", "stuck"), link(node, "NSB-NODE-001", "NotReady"))},
			want:   []Status{Persists, New, Resolved}},
		// Near misses: another rule on the same object, another namespace of a
		// same-named root, are not the same root.
		{name: "same object, other rule",
			before: []analyze.Finding{finding(link(nsReporting, "NSB-NS-001", "stuck"), link(node, "NSB-NODE-001", "NotReady"))},
			after:  []analyze.Finding{finding(link(nsAnalytics, "NSB-NS-001", "stuck"), link(node, "NSB-CCM-001", "no route"))},
			want:   []Status{New, Resolved}},
		{name: "same-named root in another namespace",
			before: []analyze.Finding{finding(link(nsReporting, "NSB-NS-001", "stuck"), link(svc, "NSB-APISVC-001", "missing"))},
			after: []analyze.Finding{finding(link(nsAnalytics, "NSB-NS-001", "stuck"),
				link(ref(analyze.KindService, "monitoring", "metrics-server"), "NSB-APISVC-001", "missing"))},
			want: []Status{New, Resolved}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := Compare(report("before.tgz", c.before...), report("after.tgz", c.after...), "uid", "uid")
			if got := statuses(r); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("statuses = %v, want %v", got, c.want)
			}
			if c.change != "" && r.Chains[0].Change != c.change {
				t.Errorf("change = %q, want %q", r.Chains[0].Change, c.change)
			}
			if r.Clean() != c.clean {
				t.Errorf("Clean() = %v, want %v", r.Clean(), c.clean)
			}
			for _, ch := range r.Chains {
				if (ch.Before == nil) != (ch.Status == New) || (ch.After == nil) != (ch.Status == Resolved) {
					t.Errorf("%s chain with before=%v after=%v", ch.Status, ch.Before != nil, ch.After != nil)
				}
			}
		})
	}
}

func TestPersistsEvidence(t *testing.T) {
	t.Parallel()
	before := podChain(nsReporting, pod1, "77s")
	after := podChain(nsReporting, pod1, "300s")
	after.Chain[0].Evidence[0].Value = "2026-11-23T10:00:00Z" // another deletion: its timestamp is not still there
	r := Compare(report("b", before), report("a", after), "", "")
	var got []string
	for _, e := range r.Chains[0].Evidence {
		got = append(got, e.Value)
	}
	if want := []string{"Available=False (MissingEndpoints)", "Ready=False"}; !reflect.DeepEqual(got, want) {
		t.Errorf("evidence still there = %q, want %q", got, want)
	}
	// No value unchanged: the root cause's evidence in AFTER is quoted.
	for i := range after.Chain {
		for j := range after.Chain[i].Evidence {
			after.Chain[i].Evidence[j].Value += " (again)"
		}
	}
	r = Compare(report("b", before), report("a", after), "", "")
	if ev := r.Chains[0].Evidence; len(ev) != 1 || ev[0].Value != "Ready=False (again)" {
		t.Errorf("evidence = %+v, want the root's evidence in AFTER", ev)
	}
}

func TestCheckCluster(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		before, after string
		different     bool
	}{
		{"a", "a", false},
		{"a", "b", true},
		{"", "b", false},
		{"a", "", false},
		{"", "", false},
	} {
		err := Compare(report("b.tgz"), report("a.tgz"), c.before, c.after).CheckCluster()
		var de *DifferentClustersError
		if errors.As(err, &de) != c.different {
			t.Errorf("CheckCluster(%q, %q) = %v, want different=%v", c.before, c.after, err, c.different)
		}
	}
}
