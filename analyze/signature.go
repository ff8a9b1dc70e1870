package analyze

import (
	"regexp"
	"strings"
)

// Signature is the root-cause signature of a finding: its rule ID, the root
// cause's kind and its name reduced to a pattern, e.g.
//
//	NSB-POD-001 Pod/metrics-server-<hash>-<id>
//	NSB-APISVC-001 Endpoint/<ip>:10250
//	NSB-NODE-001 Node/<node>
//
// Two findings with one signature have the same kind of root cause in the
// same kind of object, in one cluster or across many: this is what `triage`
// groups bundles by, and what a desk's own store can group tickets by. The
// root's namespace is not part of it (the issue asks for "rule ID plus root
// kind and name"): a finalizer's namespace, for one, is the stuck
// namespace's, which differs from ticket to ticket.
func Signature(rule string, root Ref) string {
	return rule + " " + root.Kind.String() + "/" + NormalizeName(root.Kind, root.Name)
}

// NormalizeName reduces the parts of an object's name that are specific to
// one cluster, or to one run of a controller, to a placeholder, so that the
// same object in two clusters has one name. The reductions, in order:
//
//  1. A Node's name is always "<node>": node names carry the cluster's,
//     pool's or host's name (worker-2, ip-10-0-129-220.ec2.internal,
//     gke-prod-pool-1-8d9f2c3a-x7k2), never what two tickets share.
//  2. A cloud node's private DNS name inside another name (a static pod is
//     named "<component>-<node>") is "<node>": ip-A-B-C-D, optionally
//     followed by a domain ending in ".internal" (EC2:
//     ip-10-0-129-220.ec2.internal, ip-10-0-1-2.us-west-2.compute.internal).
//  3. IP addresses are "<ip>": IPv4 (10.244.1.5) and bracketed IPv6
//     ([fd00::1]). A port stays: it says which port of the add-on failed
//     (10.244.1.5:443 is <ip>:443).
//  4. Generated suffixes of objects controllers create (Pods, ReplicaSets,
//     Jobs, EndpointSlices, ControllerRevisions) and of Namespaces:
//     - a Deployment's pod, NAME-HASH-ID: HASH is the pod-template-hash
//     (6 to 10 characters of Kubernetes' "safe" alphabet, bcdfghjklmnpqrstvwxz2456789,
//     which has no vowels), ID is any 5 lowercase letters or digits:
//     coredns-5d78c9869d-x2x7b is coredns-<hash>-<id>;
//     - a ReplicaSet's NAME-HASH: metrics-server-7d9f6c is metrics-server-<hash>;
//     - a generateName suffix, NAME-ID, where ID is 5 characters of the safe
//     alphabet (a DaemonSet's or Job's pod, an EndpointSlice):
//     kube-proxy-x2x7b is kube-proxy-<id>. A word (proxy, nginx) has a vowel
//     and stays.
//  5. A trailing number is "<n>", for any kind: a StatefulSet ordinal
//     (postgres-0), a test namespace (crd-webhook-4864), a CronJob's
//     schedule time (backup-28475630-x2x7b is backup-<n>-<id>).
//
// Everything else (Service, ClusterRole, APIService, finalizer, component
// names) stays as it is: those are what two tickets share.
func NormalizeName(k Kind, name string) string {
	if k == KindNode {
		return "<node>"
	}
	name = cloudNodeName.ReplaceAllString(name, "<node>")
	name = ipv6Address.ReplaceAllString(name, "<ip>")
	name = ipv4Address.ReplaceAllString(name, "<ip>")
	parts := strings.Split(name, "-")
	last := len(parts) - 1
	if generatedNames[k] && last >= 1 {
		switch {
		case last >= 2 && isPodTemplateHash(parts[last-1]) && isAlnum(parts[last], 5):
			parts[last-1], parts[last] = "<hash>", "<id>"
		case k == kindReplicaSet && isPodTemplateHash(parts[last]):
			parts[last] = "<hash>"
		case isSafe(parts[last]) && len(parts[last]) == 5:
			parts[last] = "<id>"
			if last >= 2 && isDigits(parts[last-1]) {
				parts[last-1] = "<n>"
			}
		}
	}
	if last >= 1 && isDigits(parts[last]) {
		parts[last] = "<n>"
	}
	return strings.Join(parts, "-")
}

var (
	kindReplicaSet = ObjectKind("ReplicaSet")
	// generatedNames are the kinds whose names controllers generate.
	generatedNames = map[Kind]bool{
		KindPod: true, kindReplicaSet: true, ObjectKind("Job"): true,
		KindEndpointSlice: true, ObjectKind("ControllerRevision"): true, KindNamespace: true,
	}
	cloudNodeName = regexp.MustCompile(`ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(\.[a-z0-9-]+)*\.internal|ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}`)
	ipv4Address   = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	ipv6Address   = regexp.MustCompile(`\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\]`)
)

// safeAlphabet is the alphabet of Kubernetes' rand.SafeEncodeString, which
// writes pod-template-hashes and generateName suffixes: no vowels, no 0, 1
// or 3, so that no word (or bad word) is formed.
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func isSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(safeAlphabet, c) {
			return false
		}
	}
	return true
}

func isPodTemplateHash(s string) bool { return len(s) >= 6 && len(s) <= 10 && isSafe(s) }

func isAlnum(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
