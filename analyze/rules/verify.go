package rules

import (
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Verify commands: each fails on the broken cluster and passes once the fix
// is done, by its exit status. They are quoted for bash and zsh alike (a
// JSONPath filter always inside single quotes).

// verifyCmd is a Verify.
func verifyCmd(command, expect string) analyze.Verify {
	return analyze.Verify{Command: command, Expect: expect}
}

// verifyGone waits for an object to be deleted: `kubectl wait
// --for=delete` exits 0 once it is gone (or was already), and fails when
// the timeout passes first.
func verifyGone(kind, ns, name, timeout string) analyze.Verify {
	return verifyCmd("kubectl wait --for=delete "+kind+"/"+name+kubectlNS(ns)+" --timeout="+timeout,
		"exit status 0 ("+kind+" "+nsName(ns, name)+" is gone); a timeout means it is still there")
}

// verifyNamespaceGone is verifyGone for the namespace that was stuck.
func verifyNamespaceGone(ns string) analyze.Verify { return verifyGone("namespace", "", ns, "5m") }

// verifyCondition waits for condition (e.g. "Available", "Ready",
// "NetworkUnavailable=False") on an object (or "--all" objects of kind).
func verifyCondition(kind, ns, name, condition, timeout string) analyze.Verify {
	target := kind + "/" + name
	what := kind + " " + nsName(ns, name)
	if name == "--all" {
		target, what = kind+" --all", "every "+strings.TrimSuffix(kind, "s")
	}
	return verifyCmd("kubectl wait --for=condition="+condition+" "+target+kubectlNS(ns)+" --timeout="+timeout,
		"exit status 0 and \"condition met\" ("+what+" has "+condition+"); a timeout means it does not")
}

// verifyLeaseStable checks that one holder keeps renewing a leader lease
// for two minutes: a crash-looping or stopped component changes holder or
// stops renewing. (A renewTime that advances once is not enough: it
// advances while a crash-looping process briefly leads.) It tries up to
// leaseWindows two-minute windows: right after a fix the component may
// still wait out its restart back-off, and its lease changes hands once;
// the subshell's exit ends only the subshell when pasted into a terminal.
func verifyLeaseStable(ns, name string) analyze.Verify {
	get := "kubectl get lease -n " + ns + " " + name + " -o jsonpath='{.spec.holderIdentity} {.spec.renewTime}'"
	return verifyCmd(`( for i in `+leaseWindows+`; do a=$(`+get+`); sleep 120; b=$(`+get+`); [ -n "$a" ] && [ "${a% *}" = "${b% *}" ] && [ "$a" != "$b" ] && exit 0; done; exit 1 )`,
		"exit status 0: the same holder renewed lease "+ns+"/"+name+" during two minutes (five two-minute windows are tried: "+
			"after the fix the component may first restart and take the lease); exit status 1 after ten minutes means it does not")
}

// leaseWindows are the windows verifyLeaseStable tries.
const leaseWindows = "1 2 3 4 5"

// verifyOrDeleted is v for a Fix that offers, as its other path, to delete
// the object kind ns/name: it passes when the object is gone, and otherwise
// runs v. (`kubectl get --ignore-not-found` prints nothing for a deleted
// object and still fails when the cluster does not answer.)
func verifyOrDeleted(kind, ns, name string, v analyze.Verify) analyze.Verify {
	return verifyCmd(`o=$(kubectl get `+kind+kubectlNS(ns)+" "+name+` --ignore-not-found -o name) && { [ -z "$o" ] || `+v.Command+`; }`,
		"exit status 0 without output if "+kind+" "+nsName(ns, name)+" was deleted (the Fix's other path); otherwise "+v.Expect)
}

// verifyReadyEndpoints checks that Service ns/svc has a ready endpoint.
func verifyReadyEndpoints(ns, svc string) analyze.Verify {
	return verifyCmd("kubectl get endpointslices"+kubectlNS(ns)+" -l kubernetes.io/service-name="+svc+
		` -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | grep .`,
		"exit status 0 and at least one address: Service "+ns+"/"+svc+" has a ready endpoint")
}

// verifyNotListed checks that no EndpointSlice lists address ip any more.
func verifyNotListed(ip string) analyze.Verify {
	return verifyCmd("! kubectl get endpointslices -A -o jsonpath='{.items[*].endpoints[*].addresses[*]}' | tr ' ' '\\n' | grep -qx '"+ip+"'",
		"exit status 0: no EndpointSlice lists "+ip+" any more")
}

// nsName is "ns/name", or name for a cluster-scoped object.
func nsName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// perPodLabels change from one pod of a workload to the next: a selector
// on them would miss the pods a fix (a rollout) creates.
var perPodLabels = map[string]bool{
	"pod-template-hash": true, "controller-revision-hash": true, "statefulset.kubernetes.io/pod-name": true,
	"apps.kubernetes.io/pod-index": true, "batch.kubernetes.io/controller-uid": true, "controller-uid": true,
}

// verifyPodsReady waits for the pods like p to be Ready: those with its
// labels, less the per-pod ones, so that a replacement pod counts; p by
// name when it has no other label.
func verifyPodsReady(p *snapshot.Pod) analyze.Verify {
	var sel []string
	for k, v := range p.Labels {
		if !perPodLabels[k] {
			sel = append(sel, k+"="+v)
		}
	}
	if len(sel) == 0 {
		return verifyCondition("pod", p.Namespace, p.Name, "Ready", "5m")
	}
	sort.Strings(sel)
	s := strings.Join(sel, ",")
	return verifyCmd("kubectl wait --for=condition=Ready pod -l '"+s+"'"+kubectlNS(p.Namespace)+" --timeout=5m",
		"exit status 0 and \"condition met\" for every pod labelled "+s+" (pod "+p.Name+" may have been replaced); a timeout means one is still not Ready")
}
