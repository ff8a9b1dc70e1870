// Package collecttest serves a fake Kubernetes API server on 127.0.0.1 for
// tests of the collector and of the commands that run it, so they need no
// cluster.
//
// The server answers what nsbundle's collector asks: /version, /healthz,
// /readyz, /livez, a SelfSubjectReview, discovery in both styles (aggregated
// apidiscovery.k8s.io/v2 and per group-version), paginated lists
// (limit/continue, labelSelector), gets, and pod logs (tailLines,
// limitBytes, previous). It is read-only: other writes answer 405.
//
// What it serves and how it fails is set once, with options to NewServer:
// objects and logs, resource types served or hidden, and faults (forbidden
// resources, unavailable group-versions, status codes, 429 with
// Retry-After, slow answers, reset connections, expired continue tokens, a
// skewed clock). Every request is recorded (Requests).
//
//	s := collecttest.NewServer(t, collecttest.BrokenCluster(3)...)
//	res, err := collect.Run(ctx, s.Config(), opts, nil)
//	// or, for a command: --kubeconfig s.Kubeconfig(t)
package collecttest
