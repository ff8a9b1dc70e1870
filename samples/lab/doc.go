// Package lab runs a real Kubernetes control plane (etcd, kube-apiserver,
// kube-controller-manager) for integration tests and sample bundles, always
// inside a private network namespace, and builds broken states ("scenarios")
// on it.
//
// A test binary enters the namespace with RunIsolated from TestMain; a
// command uses RunIsolatedMain. Start refuses to run anywhere else, so no
// process of the lab can send traffic to a non-loopback address from the
// host's own network namespace.
package lab
