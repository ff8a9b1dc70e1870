package lab

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var createOpts = metav1.CreateOptions{}

// ignoreExists turns AlreadyExists into success.
func ignoreExists(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// EnsureNamespace creates namespace name (with labels) and its default
// ServiceAccount, so pods can be created before the controller-manager's
// service-account controller gets there (or when it is not running).
func (c *Cluster) EnsureNamespace(ctx context.Context, name string, labels map[string]string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, createOpts); ignoreExists(err) != nil {
		return fmt.Errorf("namespace %s: %w", name, err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: name}}
	if _, err := c.Client.CoreV1().ServiceAccounts(name).Create(ctx, sa, createOpts); ignoreExists(err) != nil {
		return fmt.Errorf("serviceaccount %s/default: %w", name, err)
	}
	return nil
}

// FillNamespace creates namespace name with ordinary content: ConfigMaps, a
// Secret, a ServiceAccount, a Role and RoleBinding, a Service.
func (c *Cluster) FillNamespace(ctx context.Context, name string) error {
	if err := c.EnsureNamespace(ctx, name, map[string]string{"team": name}); err != nil {
		return err
	}
	core := c.Client.CoreV1()
	for _, cm := range []string{"app-config", "feature-flags", "dashboards"} {
		obj := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cm, Namespace: name}, Data: map[string]string{"key": "value"}}
		if _, err := core.ConfigMaps(name).Create(ctx, obj, createOpts); ignoreExists(err) != nil {
			return err
		}
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db-credentials", Namespace: name}, StringData: map[string]string{"password": "not-a-real-secret"}}
	if _, err := core.Secrets(name).Create(ctx, sec, createOpts); ignoreExists(err) != nil {
		return err
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "worker", Namespace: name}}
	if _, err := core.ServiceAccounts(name).Create(ctx, sa, createOpts); ignoreExists(err) != nil {
		return err
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "reader", Namespace: name},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list"}}}}
	if _, err := c.Client.RbacV1().Roles(name).Create(ctx, role, createOpts); ignoreExists(err) != nil {
		return err
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "worker-reader", Namespace: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "reader"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "worker", Namespace: name}}}
	if _, err := c.Client.RbacV1().RoleBindings(name).Create(ctx, rb, createOpts); ignoreExists(err) != nil {
		return err
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: name},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "api"}, Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	if _, err := core.Services(name).Create(ctx, svc, createOpts); ignoreExists(err) != nil {
		return err
	}
	return nil
}

// DeleteNamespace deletes namespace name (background propagation).
func (c *Cluster) DeleteNamespace(ctx context.Context, name string) error {
	err := c.Client.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete namespace %s: %w", name, err)
	}
	return nil
}

// NamespaceCondition returns the namespace's condition of type t (nil if
// absent) and the namespace.
func (c *Cluster) NamespaceCondition(ctx context.Context, name string, t corev1.NamespaceConditionType) (*corev1.NamespaceCondition, *corev1.Namespace, error) {
	ns, err := c.Client.CoreV1().Namespaces().Get(ctx, name, getOpts)
	if err != nil {
		return nil, nil, err
	}
	for i := range ns.Status.Conditions {
		if ns.Status.Conditions[i].Type == t {
			return &ns.Status.Conditions[i], ns, nil
		}
	}
	return nil, ns, nil
}

// WaitNamespaceCondition polls until namespace name has condition t with
// status and reason (and a message containing msg), and returns it.
func (c *Cluster) WaitNamespaceCondition(ctx context.Context, name string, t corev1.NamespaceConditionType, status corev1.ConditionStatus, reason, msg string, timeout time.Duration) (*corev1.NamespaceCondition, error) {
	var got *corev1.NamespaceCondition
	err := poll(ctx, timeout, time.Second, func() (bool, string, error) {
		cond, ns, err := c.NamespaceCondition(ctx, name, t)
		if err != nil {
			return false, err.Error(), nil
		}
		got = cond
		ok := cond != nil && cond.Status == status && cond.Reason == reason && strings.Contains(cond.Message, msg)
		return ok, fmt.Sprintf("namespace %s phase %s conditions %s", name, ns.Status.Phase, conditionsText(ns)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("namespace %s condition %s=%s %s: %w", name, t, status, reason, err)
	}
	return got, nil
}

// WaitNamespaceGone polls until namespace name no longer exists.
func (c *Cluster) WaitNamespaceGone(ctx context.Context, name string, timeout time.Duration) error {
	return poll(ctx, timeout, time.Second, func() (bool, string, error) {
		ns, err := c.Client.CoreV1().Namespaces().Get(ctx, name, getOpts)
		if apierrors.IsNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, err.Error(), nil
		}
		return false, fmt.Sprintf("namespace %s phase %s finalizers %v conditions %s", name, ns.Status.Phase, ns.Spec.Finalizers, conditionsText(ns)), nil
	})
}

func conditionsText(ns *corev1.Namespace) string {
	var parts []string
	for _, c := range ns.Status.Conditions {
		parts = append(parts, fmt.Sprintf("%s=%s %s %q", c.Type, c.Status, c.Reason, c.Message))
	}
	sort.Strings(parts)
	return "[" + strings.Join(parts, "; ") + "]"
}

// describeCondition renders a namespace condition as "Type=Status Reason: message".
func describeCondition(c *corev1.NamespaceCondition) string {
	if c == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s=%s %s: %s", c.Type, c.Status, c.Reason, c.Message)
}

// GrantClusterRole binds ClusterRole role to user (ClusterRoleBinding
// "lab:<user>:<role>"), e.g. to give a KubeconfigFor user the "view" role.
func (c *Cluster) GrantClusterRole(ctx context.Context, user, role string) error {
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "lab:" + user + ":" + role},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}},
	}
	_, err := c.Client.RbacV1().ClusterRoleBindings().Create(ctx, crb, createOpts)
	return ignoreExists(err)
}
