package bootstrap_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/component-helpers/auth/rbac/validation"

	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/samples/lab"
)

// TestMain runs the tests inside the lab's private network namespace (in
// place under -short, where the lab test skips).
func TestMain(m *testing.M) { lab.RunIsolated(m) }

// TestIntegrationBootstrapPolicy checks the embedded list against what a real
// kube-apiserver creates at start, both ways, and checks Allowed against the
// apiserver's own SubjectAccessReview answers.
func TestIntegrationBootstrapPolicy(t *testing.T) {
	c := lab.StartT(t, lab.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	v, err := c.Client.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	p, err := bootstrap.For(v.GitVersion)
	if err != nil {
		t.Fatal(err)
	}
	if p.Note != "" || p.GitVersion != v.GitVersion {
		t.Fatalf("lab runs %s, list is %s (%s)", v.GitVersion, p.GitVersion, p.Note)
	}
	actual := listBootstrap(ctx, t, c)
	t.Logf("lab %s: %d ClusterRoles, %d ClusterRoleBindings, %d Roles, %d RoleBindings labelled %s=%s; list has %d objects",
		v.GitVersion, len(actual.ClusterRoles), len(actual.ClusterRoleBindings), len(actual.Roles), len(actual.RoleBindings),
		bootstrap.BootstrapLabel, bootstrap.BootstrapLabelValue, len(p.Objects))

	// List ⊆ cluster: nothing missing or reduced.
	for _, d := range bootstrap.Compare(p, actual) {
		t.Errorf("list vs apiserver: %s %s %+v", d.Kind, d.Ref, d)
	}
	// Cluster ⊆ list: every labelled object is listed, with no more rules
	// (aggregated roles aside: the aggregation controller fills them) and no
	// more subjects.
	for _, got := range objectsOf(actual) {
		want, ok := p.Get(got.Ref())
		if !ok {
			t.Errorf("apiserver has %s, the list does not", got.Ref())
			continue
		}
		if !reflect.DeepEqual(got.Labels, want.Labels) || !reflect.DeepEqual(got.Annotations, want.Annotations) {
			t.Errorf("%s: labels %v annotations %v, list says %v %v", got.Ref(), got.Labels, got.Annotations, want.Labels, want.Annotations)
		}
		if want.AggregationRule == nil {
			if ok, extra := validation.Covers(want.Rules, got.Rules); !ok {
				t.Errorf("%s: apiserver grants more than the list: %+v", got.Ref(), extra)
			}
		}
		if !reflect.DeepEqual(got.Subjects, want.Subjects) {
			t.Errorf("%s: subjects %+v, list says %+v", got.Ref(), got.Subjects, want.Subjects)
		}
	}

	// Allowed agrees with the apiserver's authorizer on what kube-controller-manager
	// needs and on every request every bootstrap binding grants, untouched
	// and after bootstrap objects are deleted.
	cfg := c.AdminConfig()
	cfg.QPS, cfg.Burst = 2000, 2000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var checks []check
	for _, n := range bootstrap.ControllerManagerNeeds(p) {
		checks = append(checks, check{user: bootstrap.ControllerManagerUser, attrs: n.Attributes, log: true})
	}
	for _, g := range bootstrap.Grants(p) {
		for _, a := range g.Requests {
			checks = append(checks, check{user: g.User, groups: g.Groups, attrs: a})
		}
	}
	checkSAR(ctx, t, client, actual, checks, "untouched")
	rbac := c.Client.RbacV1()
	if err := rbac.ClusterRoles().Delete(ctx, "system:kube-controller-manager", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	actual = listBootstrap(ctx, t, c)
	if d := bootstrap.Compare(p, actual); len(d) != 1 || d[0].Kind != bootstrap.Missing {
		t.Errorf("after delete: Compare = %+v", d)
	}
	checkSAR(ctx, t, client, actual, checks, "deleted ClusterRole")
	for _, b := range []string{"system:discovery", "system:public-info-viewer"} {
		if err := rbac.ClusterRoleBindings().Delete(ctx, b, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	actual = listBootstrap(ctx, t, c)
	if d := bootstrap.Compare(p, actual); len(d) != 3 {
		t.Errorf("after delete: Compare = %+v", d)
	}
	checkSAR(ctx, t, client, actual, checks, "deleted ClusterRole and discovery bindings")
}

// check is one request to ask both Allowed and the apiserver about.
type check struct {
	user   string
	groups []string
	attrs  bootstrap.Attributes
	log    bool
}

func checkSAR(ctx context.Context, t *testing.T, client kubernetes.Interface, actual bootstrap.Actual, checks []check, state string) {
	t.Helper()
	type result struct {
		sar *authorizationv1.SubjectAccessReview
		err error
	}
	results := make([]result, len(checks))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, ch := range checks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a := ch.attrs
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: ch.user, Groups: bootstrap.ImpliedGroups(ch.user, ch.groups)}}
			if a.NonResourcePath != "" {
				sar.Spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Path: a.NonResourcePath, Verb: a.Verb}
			} else {
				sar.Spec.ResourceAttributes = &authorizationv1.ResourceAttributes{Verb: a.Verb, Group: a.APIGroup, Resource: a.Resource,
					Subresource: a.Subresource, Name: a.Name, Namespace: a.Namespace}
			}
			res, err := client.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
			results[i] = result{res, err}
		}()
	}
	wg.Wait()
	allowed := 0
	for i, ch := range checks {
		res, err := results[i].sar, results[i].err
		if err != nil {
			t.Fatal(err)
		}
		a := ch.attrs
		ok, reason := bootstrap.Allowed(actual, ch.user, ch.groups, a)
		if res.Status.Allowed {
			allowed++
		}
		if ok != res.Status.Allowed {
			t.Errorf("%s: %s %v: %s: Allowed = %v (%q), apiserver says %v (%q)", state, ch.user, ch.groups, a, ok, reason, res.Status.Allowed, res.Status.Reason)
			continue
		}
		if !ok && reason != "" && !strings.Contains(res.Status.Reason, reason) {
			t.Errorf("%s: %s: %s: reason %q, apiserver says %q", state, ch.user, a, reason, res.Status.Reason)
		}
		if ch.log {
			t.Logf("%s: %s: allowed=%v apiserver reason %q", state, a, res.Status.Allowed, res.Status.Reason)
		}
	}
	t.Logf("%s: %d requests, %d allowed by the apiserver, Allowed agreed on all but the errors above", state, len(checks), allowed)
}

func listBootstrap(ctx context.Context, t *testing.T, c *lab.Cluster) bootstrap.Actual {
	t.Helper()
	opts := metav1.ListOptions{LabelSelector: bootstrap.BootstrapLabel + "=" + bootstrap.BootstrapLabelValue}
	rbac := c.Client.RbacV1()
	crs, err := rbac.ClusterRoles().List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	crbs, err := rbac.ClusterRoleBindings().List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	roles, err := rbac.Roles("").List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	rbs, err := rbac.RoleBindings("").List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	return bootstrap.Actual{ClusterRoles: crs.Items, ClusterRoleBindings: crbs.Items, Roles: roles.Items, RoleBindings: rbs.Items}
}

// objectsOf turns a cluster's RBAC objects into bootstrap.Objects.
func objectsOf(a bootstrap.Actual) []bootstrap.Object {
	var out []bootstrap.Object
	for _, r := range a.ClusterRoles {
		out = append(out, bootstrap.Object{Kind: bootstrap.KindClusterRole, Name: r.Name, Labels: r.Labels, Annotations: r.Annotations,
			Rules: r.Rules, AggregationRule: r.AggregationRule})
	}
	for _, r := range a.Roles {
		out = append(out, bootstrap.Object{Kind: bootstrap.KindRole, Namespace: r.Namespace, Name: r.Name, Labels: r.Labels,
			Annotations: r.Annotations, Rules: r.Rules})
	}
	for _, b := range a.ClusterRoleBindings {
		ref := b.RoleRef
		out = append(out, bootstrap.Object{Kind: bootstrap.KindClusterRoleBinding, Name: b.Name, Labels: b.Labels,
			Annotations: b.Annotations, RoleRef: &ref, Subjects: b.Subjects})
	}
	for _, b := range a.RoleBindings {
		ref := b.RoleRef
		out = append(out, bootstrap.Object{Kind: bootstrap.KindRoleBinding, Namespace: b.Namespace, Name: b.Name, Labels: b.Labels,
			Annotations: b.Annotations, RoleRef: &ref, Subjects: b.Subjects})
	}
	return out
}
