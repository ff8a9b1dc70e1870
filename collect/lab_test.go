package collect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/client-go/rest"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect/collecttest"
	"github.com/nsbundle/nsbundle/samples/lab"
)

// TestMain runs the package's tests inside the lab's private network
// namespace (in place under -short, where lab tests skip).
func TestMain(m *testing.M) { lab.RunIsolated(m) }

// collectorUser is the identity the lab tests collect as, so the audit log
// can tell its requests from the scenario's (the lab's audit policy logs
// every request of this user).
const collectorUser = lab.CollectorUser

// plantSecret creates a Secret with `kubectl apply`, so its
// last-applied-configuration annotation holds the value too.
func plantSecret(t *testing.T, c *lab.Cluster, ns string) {
	t.Helper()
	bin, err := lab.Binaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	manifest := `apiVersion: v1
kind: Secret
metadata:
  name: planted
  namespace: ` + ns + `
stringData:
  password: ` + collecttest.PlantedSecret + "\n"
	cmd := exec.Command(filepath.Join(bin, "kubectl"), "--kubeconfig", c.Kubeconfig, "apply", "-f", "-")
	cmd.Stdin = strings.NewReader(manifest)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	s, err := c.Client.CoreV1().Secrets(ns).Get(context.Background(), "planted", metav1.GetOptions{})
	if err != nil || !strings.Contains(s.Annotations[LastAppliedAnnotation], collecttest.PlantedSecret) {
		t.Fatalf("planted secret lacks the last-applied value: %v %v", err, s.Annotations)
	}
}

func TestIntegrationCollectMissingEndpoints(t *testing.T) {
	c := lab.StartT(t, lab.Options{})
	ctx := context.Background()
	plantSecret(t, c, "default")
	info, err := c.ScenarioMissingEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("observed:\n%s", strings.Join(info.Observed, "\n"))

	t.Run("full", func(t *testing.T) {
		cfg, err := c.ConfigFor(collectorUser, "system:masters")
		if err != nil {
			t.Fatal(err)
		}
		o := testOptions(t)
		for name, path := range info.Logs {
			o.LogFiles = append(o.LogFiles, LogFileSpec{Name: name, Path: path})
		}
		t0 := time.Now()
		res, err := Run(ctx, cfg, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(res.Path)
		t.Logf("collected in %v: %d requests, %d objects, %d bytes compressed; missing: %q",
			time.Since(t0).Round(time.Millisecond), res.Manifest.Totals.Requests, res.Manifest.Totals.Objects, fi.Size(), res.Missing)
		keepBundle(t, res.Path)
		raw, _, files := readBundle(t, res.Path)
		checkMissingEndpointsBundle(t, res, raw, files)
		checkAuditRecorded(t, res.Manifest, checkAuditReadOnly(t, c.Logs.Audit, collectorUser))
	})

	t.Run("restricted", func(t *testing.T) {
		cfg := restrictedUser(t, c)
		res, err := Run(ctx, cfg, testOptions(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("restricted user: missing %q", res.Missing)
		if res.Complete {
			t.Fatal("restricted collection reported complete")
		}
		for _, want := range []string{"secrets: forbidden (403)", "nodes: forbidden (403)", "configmaps: forbidden (403)"} {
			if !slices.Contains(res.Missing, want) {
				t.Errorf("Missing lacks %q", want)
			}
		}
		req := findRequest(res.Manifest, "/api/v1/secrets?limit=500")
		wantErr := `secrets is forbidden: User "restricted" cannot list resource "secrets" in API group "" at the cluster scope`
		if req == nil || req.Status != 403 || req.Reason != "Forbidden" || req.Error != wantErr {
			t.Errorf("secrets request: %+v", req)
		}
		allowed := map[string]bool{"namespaces": true, "pods": true, "services": true, "apiservices": true}
		for _, rt := range defaultResources {
			req := findRequest(res.Manifest, rt.collectionPath("")+"?limit=500")
			switch {
			case req == nil:
				t.Errorf("no request for %s", rt.label())
			case allowed[rt.resource] && req.Status != 200:
				t.Errorf("%s: %+v", rt.label(), req)
			case !allowed[rt.resource] && (req.Status != 403 || !strings.Contains(req.Error, `User "restricted" cannot list resource "`+rt.resource+`"`)):
				t.Errorf("%s: want a recorded 403, got %+v", rt.label(), req)
			}
		}
		_, _, files := readBundle(t, res.Path)
		if _, ok := files["resources/core/v1/namespaces.json"]; !ok {
			t.Error("allowed namespaces list missing")
		}
		if _, ok := files["resources/core/v1/secrets.json"]; ok {
			t.Error("secrets.json written without permission")
		}
		if res.Manifest.CollectedBy.Username != "restricted" {
			t.Errorf("collected by %+v", res.Manifest.CollectedBy)
		}
	})
}

func checkMissingEndpointsBundle(t *testing.T, res *Result, raw []byte, files map[string][]byte) {
	t.Helper()
	for _, v := range []string{collecttest.PlantedSecret, b64(collecttest.PlantedSecret)} {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("bundle holds the planted secret %q", v)
		}
	}
	var results []bundle.DiscoveryResult
	if err := json.Unmarshal(files[bundle.DiscoveryResultsPath], &results); err != nil {
		t.Fatal(err)
	}
	var legacy, aggr *bundle.DiscoveryResult
	for i, r := range results {
		if r.GroupVersion == "metrics.k8s.io/v1beta1" {
			if r.Source == "legacy" {
				legacy = &results[i]
			} else {
				aggr = &results[i]
			}
		}
	}
	if legacy == nil || legacy.Status != 503 || legacy.Error != "the server is currently unable to handle the request" {
		t.Errorf("legacy discovery of metrics.k8s.io/v1beta1: %+v", legacy)
	}
	if aggr == nil || aggr.Freshness != "Stale" || aggr.Error != "stale GroupVersion discovery: metrics.k8s.io/v1beta1" {
		t.Errorf("aggregated discovery of metrics.k8s.io/v1beta1: %+v", aggr)
	}
	for _, want := range []struct{ file, text string }{
		{"resources/apiregistration.k8s.io/v1/apiservices.json", `"reason":"MissingEndpoints","message":"endpointslices for service/metrics-server in \"kube-system\" have no addresses with port name \"https\""`},
		{"resources/core/v1/namespaces.json", `"type":"NamespaceDeletionDiscoveryFailure"`},
		{"logs/files/kube-controller-manager.log", `"Deletion of namespace failed"`},
		{"logs/files/kube-controller-manager.log", `stale GroupVersion discovery: metrics.k8s.io/v1beta1`},
		{"terminating/analytics.json", `"error": "the server is currently unable to handle the request"`},
		{"terminating/analytics.json", `"group": "metrics.k8s.io"`},
		{"health/readyz.txt", "[+]ping ok"},
	} {
		if !strings.Contains(string(files[want.file]), want.text) {
			t.Errorf("%s lacks %s", want.file, want.text)
		}
	}
	if !slices.Contains(res.Missing, "discovery metrics.k8s.io/v1beta1: the server is currently unable to handle the request (503)") {
		t.Errorf("Missing: %q", res.Missing)
	}
}

// restrictedUser returns a config for user "restricted", who may only list
// namespaces, pods, services and APIServices.
func restrictedUser(t *testing.T, c *lab.Cluster) *rest.Config {
	t.Helper()
	ctx := context.Background()
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "nsbundle-restricted"}, Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "services"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{"apiregistration.k8s.io"}, Resources: []string{"apiservices"}, Verbs: []string{"get", "list"}},
	}}
	if _, err := c.Client.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "nsbundle-restricted"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "nsbundle-restricted"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "restricted"}}}
	if _, err := c.Client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := c.ConfigFor("restricted")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// checkAuditReadOnly reads the apiserver's audit log and fails on any
// request by user other than get, list and watch, or the create of a
// SelfSubjectReview (which persists nothing).
func checkAuditReadOnly(t *testing.T, auditLog, user string) []string {
	t.Helper()
	f, err := os.Open(auditLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var uris []string
	for sc.Scan() {
		var ev struct {
			Verb       string `json:"verb"`
			RequestURI string `json:"requestURI"`
			User       struct {
				Username string `json:"username"`
			} `json:"user"`
			ObjectRef *struct {
				Resource string `json:"resource"`
			} `json:"objectRef"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit line: %v", err)
		}
		if ev.User.Username != user {
			continue
		}
		uris = append(uris, ev.RequestURI)
		switch {
		case ev.Verb == "get" || ev.Verb == "list" || ev.Verb == "watch":
		case ev.Verb == "create" && ev.ObjectRef != nil && ev.ObjectRef.Resource == "selfsubjectreviews":
		default:
			t.Errorf("collector sent %s %s", ev.Verb, ev.RequestURI)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(uris) == 0 {
		t.Fatalf("no audit events from %s", user)
	}
	t.Logf("audit log: %d events from %s, all read-only", len(uris), user)
	return uris
}

// checkAuditRecorded fails if the audit log shows a request the manifest
// does not record (every page of a list counts under the list's path).
func checkAuditRecorded(t *testing.T, m *bundle.Manifest, uris []string) {
	t.Helper()
	recorded := map[string]bool{}
	for _, r := range m.Requests {
		recorded[r.Path] = true
	}
	for _, u := range uris {
		base, q, _ := strings.Cut(u, "?")
		if recorded[u] || strings.Contains(q, "continue=") && recorded[base+"?limit=500"] {
			continue
		}
		t.Errorf("audited request not in the manifest: %s", u)
	}
}

// keepBundle copies a bundle into $NSBUNDLE_COLLECT_KEEP (a directory), if
// set, for inspection.
func keepBundle(t *testing.T, path string) {
	dir := os.Getenv("NSBUNDLE_COLLECT_KEEP")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, t.Name()[strings.LastIndex(t.Name(), "/")+1:]+".tgz"), data, 0o600)
	}
	if err != nil {
		t.Logf("keep bundle: %v", err)
	}
}

// TestIntegrationCollectScenarios collects from further broken scenarios,
// each on its own lab, and checks the evidence each chain needs is there.
func TestIntegrationCollectScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		want     map[string][]string // bundle file → substrings
		check    func(t *testing.T, res *Result, files map[string][]byte)
		// upTo30 replaces want on v1.30 and older, when set.
		upTo30 map[string][]string
	}{
		{"failed-discovery-check", map[string][]string{
			"resources/apiregistration.k8s.io/v1/apiservices.json": {`"reason":"FailedDiscoveryCheck"`},
			"resources/core/v1/nodes.json":                         {`"name":"worker-1"`},
			"terminating/reporting.json":                           {`"group": "metrics.k8s.io"`, `"resource": ""`},
			"resources/core/v1/events.json":                        {`"reason":"FailedToCreateRoute"`},
			"logs/files/cloud-controller-manager.log":              {"route_controller.go:481] Could not create route", "ec2:CreateRoute"},
		}, nil, map[string][]string{ // cloud-provider v0.30's route controller logs from line 329
			"resources/apiregistration.k8s.io/v1/apiservices.json": {`"reason":"FailedDiscoveryCheck"`},
			"resources/core/v1/nodes.json":                         {`"name":"worker-1"`},
			"terminating/reporting.json":                           {`"group": "metrics.k8s.io"`, `"resource": ""`},
			"resources/core/v1/events.json":                        {`"reason":"FailedToCreateRoute"`},
			"logs/files/cloud-controller-manager.log":              {"route_controller.go:329] Could not create route", "ec2:CreateRoute"},
		}},
		{"rbac-deleted-clusterrole", map[string][]string{
			"logs/files/kube-controller-manager.all-runs.log": {`"Error initializing a controller"`},
			"terminating/old-project.json":                    {`"resource": "configmaps"`},
			"resources/coordination.k8s.io/v1/leases.json":    {`"name":"kube-controller-manager"`},
		}, nil, map[string][]string{ // one run that never exits: no previous or all-runs log
			"logs/files/kube-controller-manager.log":       {`error retrieving resource lock kube-system/kube-controller-manager`, `cannot get resource "leases"`},
			"terminating/old-project.json":                 {`"resource": "configmaps"`},
			"resources/coordination.k8s.io/v1/leases.json": {`"name":"kube-controller-manager"`},
		}},
		{"conversion-webhook", map[string][]string{
			"terminating/inventory.json": {`"resource": "widgets"`, `conversion webhook for example.com/v1, Kind=Widget failed: `,
				`service \"widget-converter\" not found`},
			"resources/apiextensions.k8s.io/v1/customresourcedefinitions.json": {`"name":"widget-converter"`},
		}, checkSameErrorAsController, nil},
		{"metadata-finalizer", map[string][]string{
			"terminating/archive.json":          {`"resource": "configmaps"`, `"count": 2`, `"example.com/protect"`},
			"resources/core/v1/namespaces.json": {`"type":"NamespaceFinalizersRemaining"`},
		}, nil, nil},
		{"healthy", map[string][]string{
			"resources/apiregistration.k8s.io/v1/apiservices.json": {`"name":"v1beta1.metrics.k8s.io"`},
		}, checkCompleteWithPodLogs, nil},
		{"admission-webhook", map[string][]string{
			"terminating/frontend.json": {`"resource": "configmaps"`},
			"resources/admissionregistration.k8s.io/v1/validatingwebhookconfigurations.json": {`"name":"configmap-guard.policy.example.com"`},
			"resources/core/v1/namespaces.json":                                              {`failed calling webhook`},
		}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			c := lab.StartT(t, lab.Options{})
			ctx := context.Background()
			info, err := c.RunScenario(ctx, tt.scenario)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := c.ConfigFor(collectorUser, "system:masters")
			if err != nil {
				t.Fatal(err)
			}
			o := testOptions(t)
			for name, path := range info.Logs {
				o.LogFiles = append(o.LogFiles, LogFileSpec{Name: name, Path: path})
			}
			res, err := Run(ctx, cfg, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			keepBundle(t, res.Path)
			t.Logf("missing: %q", res.Missing)
			_, _, files := readBundle(t, res.Path)
			if tt.check != nil {
				tt.check(t, res, files)
			}
			want := tt.want
			if c.Minor <= 30 && tt.upTo30 != nil {
				want = tt.upTo30
			}
			for file, subs := range want {
				for _, s := range subs {
					if !strings.Contains(string(files[file]), s) {
						t.Errorf("%s lacks %s", file, s)
					}
				}
			}
			for _, ns := range info.Namespaces {
				if _, ok := files[TerminatingFile(ns)]; !ok {
					t.Errorf("no inventory of Terminating namespace %s", ns)
				}
			}
			for name := range info.Logs {
				if len(files["logs/files/"+name+".log"]) == 0 {
					t.Errorf("log %s empty or missing", name)
				}
			}
			checkAuditRecorded(t, res.Manifest, checkAuditReadOnly(t, c.Logs.Audit, collectorUser))
		})
	}
}

// checkSameErrorAsController checks that the collector's metadata list of
// widgets in namespace inventory failed with exactly the error the namespace
// controller put in its NamespaceDeletionContentFailure condition.
func checkSameErrorAsController(t *testing.T, _ *Result, files map[string][]byte) {
	t.Helper()
	var nc bundle.NamespaceContent
	if err := json.Unmarshal(files["terminating/inventory.json"], &nc); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(nc.Resources, func(rc bundle.RemainingContent) bool { return rc.Resource == "widgets" })
	if i < 0 || nc.Resources[i].Error == "" {
		t.Fatalf("no widgets error in %+v", nc)
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Status   struct {
				Conditions []struct{ Type, Message string }
			}
		}
	}
	if err := json.Unmarshal(files["resources/core/v1/namespaces.json"], &list); err != nil {
		t.Fatal(err)
	}
	for _, ns := range list.Items {
		for _, c := range ns.Status.Conditions {
			if ns.Metadata.Name == "inventory" && c.Type == "NamespaceDeletionContentFailure" {
				if want := "Failed to delete all resource types, 1 remaining: " + nc.Resources[i].Error; c.Message != want {
					t.Errorf("condition:\n %s\ncollected:\n %s", c.Message, want)
				}
				return
			}
		}
	}
	t.Error("namespace inventory has no NamespaceDeletionContentFailure condition")
}

// checkCompleteWithPodLogs wants a complete bundle holding the log of a
// kube-system pod (served by the lab's fake kubelet).
func checkCompleteWithPodLogs(t *testing.T, res *Result, files map[string][]byte) {
	t.Helper()
	if !res.Complete {
		t.Errorf("healthy cluster, missing: %q", res.Missing)
	}
	for _, l := range res.Manifest.Logs {
		if l.Namespace == "kube-system" && l.Error == "" && len(files[l.Path]) > 0 {
			return
		}
	}
	t.Errorf("no kube-system pod log collected: %+v", res.Manifest.Logs)
}
