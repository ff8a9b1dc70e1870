package analyze

import "testing"

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	rs, job := ObjectKind("ReplicaSet"), ObjectKind("Job")
	for _, c := range []struct {
		kind       Kind
		name, want string
	}{
		// Deployment pods: NAME-HASH-ID.
		{KindPod, "metrics-server-7d9f6c-abcde", "metrics-server-<hash>-<id>"},
		{KindPod, "coredns-5d78c9869d-x2x7b", "coredns-<hash>-<id>"},
		{KindPod, "metrics-server-5b8cd9b74f-5mj9p", "metrics-server-<hash>-<id>"},
		{KindPod, "cert-manager-webhook-7f9c8d5b6d-q4zrt", "cert-manager-webhook-<hash>-<id>"},
		// ReplicaSets: NAME-HASH.
		{rs, "metrics-server-7d9f6c", "metrics-server-<hash>"},
		{rs, "coredns-5d78c9869d", "coredns-<hash>"},
		// DaemonSet and Job pods, EndpointSlices: NAME-ID.
		{KindPod, "kube-proxy-x2x7b", "kube-proxy-<id>"},
		{KindEndpointSlice, "metrics-server-vj9mw", "metrics-server-<id>"},
		{KindPod, "backup-28475630-x2x7b", "backup-<n>-<id>"},
		{job, "backup-28475630", "backup-<n>"},
		// StatefulSet ordinals.
		{KindPod, "postgres-0", "postgres-<n>"},
		{KindPod, "kafka-12", "kafka-<n>"},
		// Static pods carry the node's name.
		{KindPod, "kube-apiserver-ip-10-0-129-220.ec2.internal", "kube-apiserver-<node>"},
		{KindPod, "etcd-ip-10-0-1-2.us-west-2.compute.internal", "etcd-<node>"},
		// Nodes.
		{KindNode, "ip-10-0-129-220.ec2.internal", "<node>"},
		{KindNode, "worker-2", "<node>"},
		{KindNode, "gke-prod-default-pool-8d9f2c3a-x7k2", "<node>"},
		// Endpoints and IPs.
		{KindEndpoint, "10.244.1.5:443", "<ip>:443"},
		{KindEndpoint, "10.244.1.5:10250", "<ip>:10250"},
		{KindEndpoint, "[fd00:10:244::5]:443", "<ip>:443"},
		// Namespaces made by test frameworks.
		{KindNamespace, "crd-webhook-4864", "crd-webhook-<n>"},
		{KindNamespace, "e2e-tests-webhook-x2x7b", "e2e-tests-webhook-<id>"},
		// Near misses: words and chosen names stay.
		{KindPod, "nginx-proxy", "nginx-proxy"},
		{KindPod, "cert-manager-webhook", "cert-manager-webhook"},
		{KindPod, "metrics-server", "metrics-server"},
		{KindPod, "web-server-abcde", "web-server-abcde"}, // no hash before it, vowels: not generated
		{rs, "api-gateway", "api-gateway"},
		{KindService, "metrics-server", "metrics-server"},
		{KindService, "policy-webhook", "policy-webhook"},
		{KindService, "vault-x2x7b", "vault-x2x7b"}, // Services are named by people
		{KindNamespace, "kube-system", "kube-system"},
		{KindClusterRole, "system:kube-controller-manager", "system:kube-controller-manager"},
		{KindClusterRoleBinding, "system:discovery", "system:discovery"},
		{KindAPIService, "v1beta1.metrics.k8s.io", "v1beta1.metrics.k8s.io"},
		{KindGroupVersion, "metrics.k8s.io/v1beta1", "metrics.k8s.io/v1beta1"},
		{KindFinalizer, "example.com/protect", "example.com/protect"},
		{KindComponent, "cloud-controller-manager", "cloud-controller-manager"},
		{KindComponent, "kube-controller-manager", "kube-controller-manager"},
		{KindPod, "ip-masq-agent-x2x7b", "ip-masq-agent-<id>"}, // "ip-" without an address is a word
	} {
		if got := NormalizeName(c.kind, c.name); got != c.want {
			t.Errorf("NormalizeName(%s, %q) = %q, want %q", c.kind, c.name, got, c.want)
		}
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rule string
		root Ref
		want string
	}{
		{"NSB-POD-001", Ref{Kind: KindPod, Namespace: "kube-system", Name: "metrics-server-5b8cd9b74f-5mj9p"}, "NSB-POD-001 Pod/metrics-server-<hash>-<id>"},
		{"NSB-FIN-001", Ref{Kind: KindFinalizer, Namespace: "archive", Name: "example.com/protect"}, "NSB-FIN-001 Finalizer/example.com/protect"},
		{"NSB-NODE-001", Ref{Kind: KindNode, Name: "worker-2"}, "NSB-NODE-001 Node/<node>"},
		{"NSB-KCM-002", Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}, "NSB-KCM-002 ClusterRole/system:kube-controller-manager"},
	} {
		if got := Signature(c.rule, c.root); got != c.want {
			t.Errorf("Signature(%s, %v) = %q, want %q", c.rule, c.root, got, c.want)
		}
	}
	// One cause in two clusters has one signature; another namespace does
	// not split it, another rule or object does.
	a := Signature("NSB-POD-001", Ref{Kind: KindPod, Namespace: "kube-system", Name: "metrics-server-7d9f6c-abcde"})
	b := Signature("NSB-POD-001", Ref{Kind: KindPod, Namespace: "monitoring", Name: "metrics-server-5b8cd9b74f-5mj9p"})
	if a != b {
		t.Errorf("one cause, two signatures: %q and %q", a, b)
	}
	for _, other := range []string{
		Signature("NSB-EP-001", Ref{Kind: KindPod, Name: "metrics-server-7d9f6c-abcde"}),
		Signature("NSB-POD-001", Ref{Kind: KindPod, Name: "prometheus-adapter-7d9f6c-abcde"}),
		Signature("NSB-POD-001", Ref{Kind: KindService, Name: "metrics-server"}),
	} {
		if other == a {
			t.Errorf("two causes, one signature: %q", a)
		}
	}
}
