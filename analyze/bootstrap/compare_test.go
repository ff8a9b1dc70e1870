package bootstrap

import (
	"fmt"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestCompare(t *testing.T) {
	p := mustPolicy(t)
	kcmRole := Ref{Kind: KindClusterRole, Name: "system:kube-controller-manager"}
	kcmBinding := Ref{Kind: KindClusterRoleBinding, Name: "system:kube-controller-manager"}
	discovery := Ref{Kind: KindClusterRoleBinding, Name: "system:discovery"}
	publicInfo := Ref{Kind: KindClusterRoleBinding, Name: "system:public-info-viewer"}
	admin := Ref{Kind: KindClusterRole, Name: "admin"}

	tests := []struct {
		name   string
		mutate []func(*Actual)
		want   []string // "<kind> <ref>" of each diff, in order
		check  func(t *testing.T, d []Diff)
	}{
		{name: "untouched"},
		{name: "deleted kcm ClusterRole", mutate: []func(*Actual){deleteObject(kcmRole)},
			want: []string{"Missing " + kcmRole.String()}, check: wantGated(false)},
		{name: "deleted discovery bindings",
			mutate: []func(*Actual){deleteObject(discovery), deleteObject(publicInfo)},
			want:   []string{"Missing " + discovery.String(), "Missing " + publicInfo.String()}},
		{name: "deleted kcm role, its binding and discovery bindings",
			mutate: []func(*Actual){deleteObject(kcmRole), deleteObject(kcmBinding), deleteObject(discovery), deleteObject(publicInfo)},
			want: []string{"Missing " + kcmRole.String(), "Missing " + discovery.String(),
				"Missing " + kcmBinding.String(), "Missing " + publicInfo.String()}},
		{name: "reduced rules", mutate: []func(*Actual){dropRule(kcmRole.Name, "serviceaccounts")},
			want: []string{"RulesReduced " + kcmRole.String()},
			check: func(t *testing.T, d []Diff) {
				got := fmt.Sprintf("%+v", d[0].MissingRules)
				for _, want := range []string{"Verbs:[get]", "Resources:[serviceaccounts]", "Verbs:[create]"} {
					if !strings.Contains(got, want) {
						t.Errorf("MissingRules %s lacks %s", got, want)
					}
				}
				if d[0].Protected {
					t.Error("Protected without autoupdate false")
				}
			}},
		{name: "extra rules are fine", mutate: []func(*Actual){func(a *Actual) {
			r := clusterRole(a, kcmRole.Name)
			r.Rules = append(r.Rules, rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}})
		}}},
		{name: "rules rewritten but covering", mutate: []func(*Actual){func(a *Actual) {
			r := clusterRole(a, "system:controller:namespace-controller")
			r.Rules = []rbacv1.PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}
		}}},
		{name: "autoupdate false and reduced",
			mutate: []func(*Actual){dropRule(kcmRole.Name, "*"), setAnnotation(kcmRole.Name, "false")},
			want:   []string{"RulesReduced " + kcmRole.String(), "AutoupdateDisabled " + kcmRole.String()},
			check: func(t *testing.T, d []Diff) {
				if !d[0].Protected || !d[1].Protected {
					t.Errorf("diffs not protected: %+v", d)
				}
			}},
		{name: "autoupdate false alone", mutate: []func(*Actual){setAnnotation(kcmRole.Name, "false")},
			want: []string{"AutoupdateDisabled " + kcmRole.String()}},
		{name: "subject removed", mutate: []func(*Actual){func(a *Actual) {
			b := clusterRoleBinding(a, kcmBinding.Name)
			b.Subjects = []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "someone-else"}}
		}}, want: []string{"SubjectsChanged " + kcmBinding.String()},
			check: func(t *testing.T, d []Diff) {
				if len(d[0].MissingSubjects) != 1 || d[0].MissingSubjects[0].Name != ControllerManagerUser {
					t.Errorf("MissingSubjects = %v", d[0].MissingSubjects)
				}
			}},
		{name: "roleRef changed", mutate: []func(*Actual){func(a *Actual) {
			clusterRoleBinding(a, kcmBinding.Name).RoleRef.Name = "view"
		}}, want: []string{"RoleRefChanged " + kcmBinding.String()},
			check: func(t *testing.T, d []Diff) {
				if d[0].GotRoleRef.Name != "view" || d[0].WantRoleRef.Name != kcmRole.Name {
					t.Errorf("roleRefs = %v, %v", d[0].WantRoleRef, d[0].GotRoleRef)
				}
			}},
		{name: "feature-gated role missing", mutate: []func(*Actual){deleteObject(Ref{Kind: KindClusterRole, Name: "system:cluster-trust-bundle-discovery"})},
			want:  []string{"Missing clusterrole.rbac.authorization.k8s.io/system:cluster-trust-bundle-discovery"},
			check: wantGated(true)},
		{name: "feature-gated rule missing", mutate: []func(*Actual){dropRule("system:kube-scheduler", "devicetaintrules")},
			want:  []string{"RulesReduced clusterrole.rbac.authorization.k8s.io/system:kube-scheduler"},
			check: wantGated(true)},
		{name: "gated and ungated rules missing", mutate: []func(*Actual){dropRule("system:kube-scheduler", "devicetaintrules"), dropRule("system:kube-scheduler", "pods")},
			want:  []string{"RulesReduced clusterrole.rbac.authorization.k8s.io/system:kube-scheduler"},
			check: wantGated(false)},
		{name: "aggregation selector removed", mutate: []func(*Actual){func(a *Actual) {
			clusterRole(a, "admin").AggregationRule = nil
		}}, want: []string{"AggregationReduced " + admin.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(p, mutate(p, tt.mutate...))
			var got []string
			for _, x := range d {
				got = append(got, string(x.Kind)+" "+x.Ref.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("Compare:\n got  %q\n want %q", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func wantGated(want bool) func(*testing.T, []Diff) {
	return func(t *testing.T, d []Diff) {
		if d[0].FeatureGated != want {
			t.Errorf("FeatureGated = %v, want %v (missing rules %+v)", d[0].FeatureGated, want, d[0].MissingRules)
		}
	}
}
