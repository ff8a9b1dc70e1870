package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ccmLog writes a cloud-controller-manager log in klog text format, as the
// route controller (k8s.io/cloud-provider controllers/route, v0.37) prints
// it, for a cloud whose API denies route creation.
type ccmLog struct {
	mu   sync.Mutex
	path string
}

// awsDenied is the error an AWS cloud provider returns when the controller's
// IAM role may not create routes (aws-sdk-go-v2 wording).
const awsDenied = "operation error EC2: CreateRoute, https response error StatusCode: 403, RequestID: 6a0f0c5e-2b7d-4c1e-9d3a-8f1e2b3c4d5e, " +
	"api error UnauthorizedOperation: You are not authorized to perform this operation. " +
	"User: arn:aws:sts::111122223333:assumed-role/nsbundle-lab-control-plane/i-0a1b2c3d4e5f60718 is not authorized to perform: ec2:CreateRoute " +
	"on resource: arn:aws:ec2:eu-west-1:111122223333:route-table/rtb-0f1e2d3c4b5a69788 because no identity-based policy allows the ec2:CreateRoute action. " +
	"Encoded authorization failure message: WUtpVl9sYWJfZmFrZV9lbmNvZGVkX21lc3NhZ2U"

// cloudRoute mirrors cloudprovider.Route's fields, in order, so %v prints
// what the route controller prints.
type cloudRoute struct {
	Name                string
	TargetNode          string
	EnableNodeAddresses bool
	TargetNodeAddresses []corev1.NodeAddress
	DestinationCIDR     string
	Blackhole           bool
}

func newCCMLog(dir string) *ccmLog {
	return &ccmLog{path: filepath.Join(dir, "logs", "cloud-controller-manager.log")}
}

// line appends one klog line: severity, time, pid 1 (a container), file:line.
func (l *ccmLog) line(sev byte, t time.Time, file string, lineNo int, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	t = t.UTC()
	fmt.Fprintf(f, "%c%02d%02d %02d:%02d:%02d.%06d %7d %s:%d] %s\n", sev, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
		t.Nanosecond()/1000, 1, file, lineNo, fmt.Sprintf(format, args...))
}

// started writes the route controller's start line.
func (l *ccmLog) started(t time.Time) {
	l.line('I', t, "route_controller.go", 194, "Starting route controller")
}

// failedAttempt writes one failed reconcile of node n's route.
func (l *ccmLog) failedAttempt(t time.Time, n *corev1.Node, prev *corev1.NodeCondition) {
	cidr := n.Spec.PodCIDR
	r := &cloudRoute{TargetNode: n.Name, TargetNodeAddresses: n.Status.Addresses, DestinationCIDR: cidr}
	l.line('I', t, "route_controller.go", 436, "route spec to be created: %v", r)
	l.line('I', t.Add(31*time.Microsecond), "route_controller.go", 451, "Creating route for node %s %s with hint %s, throttled %v", n.Name, cidr, n.UID, 14*time.Microsecond+317*time.Nanosecond)
	l.line('E', t.Add(412*time.Millisecond), "route_controller.go", 481, "Could not create route %s %s for node %s: %s", n.UID, cidr, n.Name, awsDenied)
	if prev != nil {
		l.line('I', t.Add(413*time.Millisecond), "route_controller.go", 540, "Patching node status %v with %v previous condition was:%+v", n.Name, false, prev)
	}
}

// created writes a successful reconcile of node n's route.
func (l *ccmLog) created(t time.Time, n *corev1.Node, prev *corev1.NodeCondition) {
	cidr := n.Spec.PodCIDR
	r := &cloudRoute{TargetNode: n.Name, TargetNodeAddresses: n.Status.Addresses, DestinationCIDR: cidr}
	l.line('I', t, "route_controller.go", 436, "route spec to be created: %v", r)
	l.line('I', t.Add(28*time.Microsecond), "route_controller.go", 451, "Creating route for node %s %s with hint %s, throttled %v", n.Name, cidr, n.UID, 12*time.Microsecond+904*time.Nanosecond)
	l.line('I', t.Add(1204*time.Millisecond), "route_controller.go", 475, "Created route for node %s %s with hint %s after %v", n.Name, cidr, n.UID, 1204*time.Millisecond+55*time.Microsecond)
	l.line('I', t.Add(1205*time.Millisecond), "route_controller.go", 540, "Patching node status %v with %v previous condition was:%+v", n.Name, true, prev)
}
