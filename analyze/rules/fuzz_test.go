package rules_test

import (
	"sort"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/rules"
)

// fuzzBase is a bundle where most rules have something to read: discovery,
// content, finalizer and pod failures, and a crash-looping controller-manager.
func fuzzBase(t testing.TB) map[string]string {
	f := healthy()
	discoveryFails(f, msgTwoFailing)
	metricsAvailable(f, "False", "FailedDiscoveryCheck", msgNoRoute)
	noRoute(f)
	f.files[pCCMLog] = lineCCMDenied + "\n"
	stuck(f, "team-a", contentFailure(msgConversion+", "+msgAdmission[len("Failed to delete all resource types, 1 remaining: "):]),
		cond("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", msgFinalizers))
	f.add(pCRDs, crd("stable.example.com", "widgets", "Widget", "widgets", "widget-conversion"))
	f.add(pValidating, validatingWebhook("deny-deletes", "deny.example.com", "ns", "deny", "Fail"))
	f.add(pNamespaces, terminating("web", 20*time.Minute, nsConds(contentFailure(msgPodsRemain))...))
	p := pod("web", "web-0", "node-c", "10.244.2.7", nil, false)
	set(p, "metadata.deletionTimestamp", ago(19*time.Minute))
	f.add(pPods, p)
	kcmCrashing(f, repeat(2, lineAcquired, lineRoleGone, lineBuildFail, lineLost))
	f.remove(pCRoles, "", "system:kube-controller-manager")
	f.add(pPVCs, pvc("default", "claim", "Pending", 10*time.Minute))
	f.add(pNamespaces, terminating("team-b", 10*time.Minute))
	return f.render(t)
}

// FuzzRun replaces one file of fuzzBase with the fuzzed bytes and checks
// that every rule copes and every finding is well formed.
func FuzzRun(f *testing.F) {
	base := fuzzBase(f)
	var names []string
	for n := range base {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		f.Add(uint8(i), []byte(base[n]))
	}
	f.Add(uint8(0), []byte(`{"items":[{"metadata":{"name":"x","deletionTimestamp":"2026-11-23T05:00:00Z"},"status":{"conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"True","message":"server APIs: a/v1: x"}]}}]}`))
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) {
		files := make(map[string]string, len(base))
		for k, v := range base {
			files[k] = v
		}
		name := names[int(sel)%len(names)]
		files[name] = string(data)
		s, err := load.Snapshot(load.MapWalk(files), load.Options{})
		if err != nil {
			return // a broken manifest.json is an unreadable bundle
		}
		r, err := analyze.Run(s, rules.All())
		if err != nil {
			t.Fatal(err)
		}
		verifyEvidence(t, files, r, name)
		for i, fd := range r.Findings {
			if fd.ID == "" || len(fd.Chain) == 0 || fd.Chain[0].Ref != fd.Symptom || fd.Chain[len(fd.Chain)-1].Ref != fd.RootCause.Ref {
				t.Fatalf("finding %d malformed: %+v", i, fd)
			}
			if fd.Fix == "" || fd.Verify.Command == "" || fd.Verify.Expect == "" || fd.Summary == "" {
				t.Fatalf("finding %d (%s %s) without fix, verify or summary", i, fd.ID, fd.RootCause.Name)
			}
			if len(fd.Chain) > analyze.MaxChainLength {
				t.Fatalf("chain of %d links", len(fd.Chain))
			}
		}
	})
}
