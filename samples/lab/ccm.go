package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// awsDenied is the error an AWS cloud provider returns when the controller's
// IAM role may not create routes (aws-sdk-go-v2 wording). The lab's cloud
// returns it from CreateRoute while route creation is denied.
const awsDenied = "operation error EC2: CreateRoute, https response error StatusCode: 403, RequestID: 6a0f0c5e-2b7d-4c1e-9d3a-8f1e2b3c4d5e, " +
	"api error UnauthorizedOperation: You are not authorized to perform this operation. " +
	"User: arn:aws:sts::111122223333:assumed-role/nsbundle-lab-control-plane/i-0a1b2c3d4e5f60718 is not authorized to perform: ec2:CreateRoute " +
	"on resource: arn:aws:ec2:eu-west-1:111122223333:route-table/rtb-0f1e2d3c4b5a69788 because no identity-based policy allows the ec2:CreateRoute action. " +
	"Encoded authorization failure message: WUtpVl9sYWJfZmFrZV9lbmNvZGVkX21lc3NhZ2U"

// ccmUser is the identity the lab's cloud-controller-manager runs as.
const ccmUser = "system:cloud-controller-manager"

// cloudControllerManager is the lab's cloud-controller-manager: the route
// controller of k8s.io/cloud-provider (ccm/main.go) against an in-memory
// cloud, steered through files in control.
type cloudControllerManager struct {
	proc    *process
	control string
	log     string
}

// startCloudControllerManager starts the lab's cloud-controller-manager as
// user system:cloud-controller-manager, bound to a ClusterRole like the
// ones cloud providers' manifests install; its route controller reconciles
// every 10 s. It logs to logs/cloud-controller-manager.log.
func (c *Cluster) startCloudControllerManager(ctx context.Context) (*cloudControllerManager, error) {
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: ccmUser},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get", "list", "watch", "update", "patch"}},
			{APIGroups: []string{""}, Resources: []string{"nodes/status"}, Verbs: []string{"patch", "update"}},
			{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "patch", "update"}},
			{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create", "patch", "update"}},
		}}
	if _, err := c.Client.RbacV1().ClusterRoles().Create(ctx, role, createOpts); ignoreExists(err) != nil {
		return nil, fmt.Errorf("cloud-controller-manager role: %w", err)
	}
	if err := c.GrantClusterRole(ctx, ccmUser, ccmUser); err != nil {
		return nil, fmt.Errorf("cloud-controller-manager binding: %w", err)
	}
	kubeconfig, err := c.KubeconfigFor(ccmUser)
	if err != nil {
		return nil, err
	}
	m := &cloudControllerManager{control: filepath.Join(c.Dir, "cloud"), log: filepath.Join(c.Dir, "logs", "cloud-controller-manager.log")}
	if err := os.MkdirAll(m.control, 0o755); err != nil {
		return nil, err
	}
	args := []string{"--kubeconfig=" + kubeconfig, "--cluster-cidr=10.244.0.0/16", "--cluster-name=nsbundle-lab",
		"--route-reconciliation-period=10s", "--control-dir=" + m.control, "--v=2"}
	if m.proc, err = startProcess("cloud-controller-manager", filepath.Join(c.binDir, "nsbundle-lab-ccm"), args, m.log); err != nil {
		return nil, err
	}
	c.onStop(func() { m.proc.stop(5 * time.Second) })
	return m, nil
}

// denyRoutes makes the cloud refuse to create routes (with awsDenied), or
// allow it again.
func (m *cloudControllerManager) denyRoutes(deny bool) error {
	p := filepath.Join(m.control, "deny")
	if !deny {
		return os.Remove(p)
	}
	return writeFileAtomic(p, []byte(awsDenied+"\n"))
}

// dropRoute removes the route to cidr from the cloud's route table, as an
// operator editing the route table by hand would.
func (m *cloudControllerManager) dropRoute(cidr string) error {
	return writeFileAtomic(filepath.Join(m.control, "drop"), []byte(cidr+"\n"))
}

// writeFileAtomic writes path through a rename, so a reader never sees half.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
