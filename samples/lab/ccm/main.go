//go:build ignore

// Command nsbundle-lab-ccm is the lab's cloud-controller-manager: the real
// route controller of k8s.io/cloud-provider (the code a cloud provider's CCM
// runs) against a cloud whose route table lives in memory. It logs, sets the
// nodes' NetworkUnavailable condition and records events exactly as a real
// one does, because it is that code.
//
// The lab steers the cloud through files in --control-dir:
//   - deny: while it exists, CreateRoute fails with its content as the
//     cloud's error (the lab writes an AWS UnauthorizedOperation text);
//   - drop: each CIDR in it (one per line) is removed from the route table
//     at the next ListRoutes, and the file is deleted (a route lost by hand).
//
// build-binaries.sh builds it in the Kubernetes module of the lab (the
// build tag keeps it out of nsbundle's own module and go.mod), with one of
// the route_*.go files: the one matching the version's route.New.
package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	cloudprovider "k8s.io/cloud-provider"
	"k8s.io/component-base/metrics/prometheus/controllers"
	_ "k8s.io/controller-manager/pkg/features/register" // the route controller reads its feature gate
	"k8s.io/klog/v2"
)

func main() {
	klog.InitFlags(nil)
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the controller's identity")
	clusterCIDR := flag.String("cluster-cidr", "10.244.0.0/16", "the cluster's pod range")
	clusterName := flag.String("cluster-name", "kubernetes", "the cluster's name in the cloud")
	period := flag.Duration("route-reconciliation-period", 10*time.Second, "how often routes are reconciled")
	control := flag.String("control-dir", "", "directory of the deny and drop files")
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "cloud-controller-manager/route-controller"
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		klog.Fatalf("client: %v", err)
	}
	_, cidr, err := net.ParseCIDR(*clusterCIDR)
	if err != nil {
		klog.Fatalf("--cluster-cidr: %v", err)
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	rc, err := newRouteController(&routes{control: *control, table: map[string]*cloudprovider.Route{}}, client,
		factory.Core().V1().Nodes(), *clusterName, []*net.IPNet{cidr})
	if err != nil {
		klog.Fatalf("route controller: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	factory.Start(ctx.Done())
	rc.Run(ctx, *period, controllers.NewControllerManagerMetrics("cloud-controller-manager"))
	klog.Flush()
}

// routes is the cloud's route table.
type routes struct {
	control string
	mu      sync.Mutex
	table   map[string]*cloudprovider.Route // by destination CIDR
}

func (r *routes) ListRoutes(_ context.Context, _ string) ([]*cloudprovider.Route, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	drop := filepath.Join(r.control, "drop")
	if b, err := os.ReadFile(drop); err == nil {
		for _, c := range strings.Fields(string(b)) {
			delete(r.table, c)
		}
		os.Remove(drop)
	}
	keys := make([]string, 0, len(r.table))
	for k := range r.table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*cloudprovider.Route, 0, len(keys))
	for _, k := range keys {
		c := *r.table[k]
		out = append(out, &c)
	}
	return out, nil
}

func (r *routes) CreateRoute(_ context.Context, _ string, nameHint string, rt *cloudprovider.Route) error {
	if b, err := os.ReadFile(filepath.Join(r.control, "deny")); err == nil {
		return errors.New(strings.TrimSpace(string(b)))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := *rt
	c.Name = "r-" + nameHint
	r.table[c.DestinationCIDR] = &c
	return nil
}

func (r *routes) DeleteRoute(_ context.Context, _ string, rt *cloudprovider.Route) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.table, rt.DestinationCIDR)
	return nil
}
