package lab

import (
	"context"
	"strings"
	"testing"
	"time"
)

const staleAnalytics = "namespace/analytics NamespaceDeletionDiscoveryFailure=True DiscoveryFailed: Discovery failed for some groups, 1 failing: " +
	"unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"

func TestIntegrationScenarios(t *testing.T) {
	for _, tc := range []struct {
		name     string
		want     []string
		contains []string // for messages with varying parts (revisions)
		// upTo30 replace want and contains on v1.30 and older (observed
		// on v1.30.14; the others on v1.37.2), when set.
		upTo30, upTo30Contains []string
	}{
		{name: "service-not-found", want: []string{
			`apiservice/v1beta1.metrics.k8s.io Available=False (ServiceNotFound): service/metrics-server in "kube-system" is not present`,
			staleAnalytics,
		}},
		{name: "kcm-absent", want: []string{
			"lease kube-system/kube-controller-manager stale",
			"namespace/legacy-apps phase=Terminating conditions=none",
		}},
		{name: "kcm-expired-cert", want: []string{
			"kube-controller-manager restarts=0, lease kube-system/kube-controller-manager not renewed for 30s",
			"namespace/old-project phase=Terminating conditions=none",
		}, contains: []string{
			`log kube-controller-manager: "Error retrieving lease lock" err="Unauthorized" lock="kube-system/kube-controller-manager"`,
			`log kube-apiserver: "Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time `,
		}, upTo30: []string{
			"kube-controller-manager restarts=0, lease kube-system/kube-controller-manager not renewed for 30s",
			"namespace/old-project phase=Terminating conditions=none",
			"log kube-controller-manager: error retrieving resource lock kube-system/kube-controller-manager: Unauthorized",
		}, upTo30Contains: []string{
			`log kube-apiserver: "Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time `,
		}},
		{name: "pod-on-dead-node", want: []string{
			"node/worker-2 Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status.",
			"namespace/batch-jobs NamespaceDeletionContentFailure=True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: batch-jobs for gvr: /v1, Resource=pods",
		}},
		{name: "spec-finalizer", want: []string{
			"namespace/legacy-tenant phase=Terminating spec.finalizers=[example.com/cleanup]",
			"namespace/legacy-tenant NamespaceDeletionDiscoveryFailure=False ResourcesDiscovered: All resources successfully discovered",
			"namespace/legacy-tenant NamespaceDeletionContentFailure=False ContentDeleted: All content successfully deleted, may be waiting on finalization",
			"namespace/legacy-tenant NamespaceContentRemaining=False ContentRemoved: All content successfully removed",
			"namespace/legacy-tenant NamespaceFinalizersRemaining=False ContentHasNoFinalizers: All content-preserving finalizers finished",
		}},
		{name: "metadata-finalizer", want: []string{
			"namespace/archive NamespaceFinalizersRemaining=True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/protect in 2 resource instances",
			"namespace/archive NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: configmaps. has 2 resource instances",
		}},
		{name: "admission-webhook", want: []string{
			`namespace/frontend NamespaceDeletionContentFailure=True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: Internal error occurred: failed calling webhook "configmap-guard.policy.example.com": failed to call webhook: Post "https://policy-webhook.webhook-system.svc:443/validate?timeout=10s": service "policy-webhook" not found`,
		}},
		{name: "conversion-webhook", contains: []string{
			"namespace/inventory NamespaceDeletionContentFailure=True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: failed to read one or more widgets.example.com from the storage: StorageError: corrupt object",
			`conversion webhook for example.com/v1, Kind=Widget failed: Post "https://widget-converter.conversion-system.svc:443/convert?timeout=30s": service "widget-converter" not found`,
		}, upTo30: []string{ // no "failed to read one or more ... from the storage" wrapping
			`namespace/inventory NamespaceDeletionContentFailure=True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: ` +
				`conversion webhook for example.com/v1, Kind=Widget failed: Post "https://widget-converter.conversion-system.svc:443/convert?timeout=30s": service "widget-converter" not found`,
		}},
		{name: "healthy", want: []string{
			"namespace/preview-1234 deleted",
			"apiservice/v1beta1.metrics.k8s.io Available=True (Passed): all checks passed",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := StartT(t, Options{})
			t0 := time.Now()
			info, err := c.RunScenario(context.Background(), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: scenario took %v; observed:\n%s", c.GitVersion, time.Since(t0), strings.Join(info.Observed, "\n"))
			want, contains := tc.want, tc.contains
			if c.Minor <= 30 && (tc.upTo30 != nil || tc.upTo30Contains != nil) {
				want, contains = tc.upTo30, tc.upTo30Contains
			}
			expectObserved(t, info, want...)
			for _, sub := range contains {
				if !strings.Contains(strings.Join(info.Observed, "\n"), sub) {
					t.Errorf("observed nothing containing %q", sub)
				}
			}
		})
	}
}
