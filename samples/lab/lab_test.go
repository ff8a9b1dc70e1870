package lab

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		// Lab tests mostly wait on controllers; four clusters at a time fit 2 cores.
		_ = flag.Set("test.parallel", "4")
	}
	RunIsolated(m)
}

func TestIntegrationStart(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	c := StartT(t, Options{})
	t.Logf("cluster up in %v", time.Since(t0))
	ctx := context.Background()
	ns, err := c.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns.Items) < 3 {
		t.Fatalf("namespaces: %d", len(ns.Items))
	}
	t1 := time.Now()
	if err := c.RestartControllerManager(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("controller-manager restarted and leading in %v", time.Since(t1))
}

func TestIntegrationMissingEndpoints(t *testing.T) {
	t.Parallel()
	c := StartT(t, Options{})
	ctx := context.Background()
	t0 := time.Now()
	info, err := c.ScenarioMissingEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scenario took %v; observed:\n%s", time.Since(t0), strings.Join(info.Observed, "\n"))
	expectObserved(t, info,
		`apiservice/v1beta1.metrics.k8s.io Available=False (MissingEndpoints): endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https"`,
		`namespace/analytics NamespaceDeletionDiscoveryFailure=True DiscoveryFailed: Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1`,
	)
}

// expectObserved fails unless every want line is among info.Observed.
func expectObserved(t *testing.T, info *ScenarioInfo, want ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, o := range info.Observed {
		have[o] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("not observed: %s\nobserved:\n%s", w, strings.Join(info.Observed, "\n"))
		}
	}
}

// Lines the RBAC scenarios observe where kube-controller-manager gets its
// lease only through its ClusterRole (v1.30 and older): it never exits and
// never leads, it retries reading its lease.
const (
	kcmStaysUp        = "kube-controller-manager restarts=0, lease kube-system/kube-controller-manager not renewed for 30s"
	kcmLeaseForbidden = `log kube-controller-manager: error retrieving resource lock kube-system/kube-controller-manager: leases.coordination.k8s.io "kube-controller-manager" is forbidden: ` +
		`User "system:kube-controller-manager" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"`
)

func TestIntegrationRBACDeleted(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
		// upTo30 are the further lines on v1.30 and older, exact;
		// from31 are substrings of further lines from v1.31.
		upTo30, from31 []string
		// deleted are the objects RBACUser deletes ("resource/name"), as
		// the audit log must show them.
		deleted []string
	}{
		{"rbac-deleted-clusterrole", []string{
			"namespace/old-project phase=Terminating conditions=none",
			"pvc/data/postgres-data phase=Pending",
		}, []string{kcmStaysUp, kcmLeaseForbidden + `: RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`},
			[]string{"kube-controller-manager restarts>=2", `log kube-controller-manager: "Error initializing a controller"`},
			[]string{"clusterroles/system:kube-controller-manager"}},
		{"rbac-deleted-discovery", []string{
			"namespace/old-project phase=Terminating conditions=none",
		}, []string{kcmStaysUp, kcmLeaseForbidden + `: RBAC: clusterrole.rbac.authorization.k8s.io "system:kube-controller-manager" not found`},
			[]string{"kube-controller-manager restarts>=2", "failed to wait for apiserver being healthy"},
			[]string{"clusterroles/system:kube-controller-manager", "clusterrolebindings/system:discovery", "clusterrolebindings/system:public-info-viewer"}},
		{"rbac-deleted-binding", []string{
			"namespace/old-project phase=Terminating conditions=none",
			"pvc/data/postgres-data phase=Pending",
		}, []string{kcmStaysUp, kcmLeaseForbidden},
			[]string{"kube-controller-manager restarts>=2", `log kube-controller-manager: "Error initializing a controller"`},
			[]string{"clusterrolebindings/system:kube-controller-manager"}},
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
			expectObserved(t, info, tc.want...)
			for _, d := range tc.deleted {
				expectObserved(t, info, fmt.Sprintf("audit: dana [dashboard-admins system:authenticated] delete %s code=200 userAgent=%q sourceIPs=[127.0.0.1]", d, c.RBACUserAgent()))
			}
			if c.Minor <= 30 {
				expectObserved(t, info, tc.upTo30...)
				return
			}
			all := strings.Join(info.Observed, "\n")
			for _, sub := range tc.from31 {
				if !strings.Contains(all, sub) {
					t.Errorf("observed nothing containing %q", sub)
				}
			}
		})
	}
}

func TestIntegrationFailedDiscoveryCheck(t *testing.T) {
	t.Parallel()
	c := StartT(t, Options{})
	ctx := context.Background()
	t0 := time.Now()
	info, err := c.ScenarioFailedDiscoveryCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scenario took %v; observed:\n%s", time.Since(t0), strings.Join(info.Observed, "\n"))
	expectObserved(t, info,
		"apiservice/v1beta1.metrics.k8s.io before: Available=True (Passed): all checks passed",
		"node/worker-1 NetworkUnavailable=True NoRouteCreated: RouteController failed to create a route",
		"node/worker-1 Ready=True KubeletReady: kubelet is posting ready status",
	)
	if lines := LogLines(info.Logs["cloud-controller-manager"], "Could not create route", "ec2:CreateRoute"); len(lines) == 0 {
		t.Errorf("cloud-controller-manager log has no failed route creation")
	}
	// The route controller (real k8s.io/cloud-provider code) records its
	// Warning on the node.
	evs, err := c.Client.CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=FailedToCreateRoute"})
	if err != nil || len(evs.Items) == 0 || !strings.Contains(evs.Items[0].Message, "ec2:CreateRoute") || evs.Items[0].InvolvedObject.Name != "worker-1" {
		t.Errorf("no FailedToCreateRoute event on worker-1 (%v): %+v", err, evs)
	}
	t1 := time.Now()
	if err := c.RestoreRoute(ctx); err != nil {
		t.Fatal(err)
	}
	if lines := LogLines(info.Logs["cloud-controller-manager"], "Created route for node worker-1"); len(lines) < 2 {
		t.Errorf("cloud-controller-manager log: %d routes created for worker-1, want the first and the restored one", len(lines))
	}
	if _, err := c.WaitAPIService(ctx, MetricsAPIService, "True", "Passed", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitNamespaceGone(ctx, "reporting", 4*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("recovered after RestoreRoute in %v", time.Since(t1))
}

func TestIntegrationAuditAndKubeconfigFor(t *testing.T) {
	t.Parallel()
	c := StartT(t, Options{})
	ctx := context.Background()
	path, err := c.KubeconfigFor(ReaderUser, "readers")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("list namespaces as an unbound user: %v, want Forbidden", err)
	}
	if err := c.GrantClusterRole(ctx, ReaderUser, "view"); err != nil {
		t.Fatal(err)
	}
	err = poll(ctx, 10*time.Second, 200*time.Millisecond, func() (bool, string, error) {
		_, err := cs.CoreV1().ConfigMaps("kube-system").List(ctx, metav1.ListOptions{})
		return err == nil, fmt.Sprint(err), nil
	})
	if err != nil {
		t.Fatalf("list configmaps with view: %v", err)
	}
	err = poll(ctx, 30*time.Second, 200*time.Millisecond, func() (bool, string, error) {
		evs, err := c.AuditEvents(ReaderUser)
		if err != nil {
			return false, "", err
		}
		for _, e := range evs {
			if e.Verb == "list" && e.ResponseStatus != nil && e.ResponseStatus.Code == 403 {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d events", len(evs)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The policy logs other users' changes of RBAC objects, never their
	// reads (the control plane's own reads would make the log MiBs).
	all, err := c.AuditEvents("")
	if err != nil {
		t.Fatal(err)
	}
	granted := false
	for _, e := range all {
		r := e.ObjectRef
		switch {
		case e.User.Username == ReaderUser || e.User.Username == CollectorUser:
		case e.Verb == "get" || e.Verb == "list" || e.Verb == "watch":
			t.Errorf("audit log holds a read by %s: %s %s", e.User.Username, e.Verb, e.RequestURI)
		case r != nil && r.Subresource != "":
			t.Errorf("audit log holds a subresource change by %s: %s %s", e.User.Username, e.Verb, e.RequestURI)
		case e.Verb == "create" && r != nil && r.Resource == "clusterrolebindings" && r.Name == "lab:"+ReaderUser+":view":
			granted = e.User.Username == "kubernetes-admin"
		}
	}
	if !granted {
		t.Errorf("audit log has no create of clusterrolebinding lab:%s:view by kubernetes-admin (%d events)", ReaderUser, len(all))
	}
	t.Logf("audit log: %d events", len(all))
}
