package collect

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/nsbundle/nsbundle/samples/lab"
)

// podsPerNamespace spreads the benchmark's pods: 30,000 pods in 1,000
// namespaces, as in the scale issue.
const podsPerNamespace = 30

// BenchmarkIntegrationCollectLab collects a lab cluster holding 3,000 and
// then 30,000 pods (created through the API inside the lab's network
// namespace) and, in the same run, fetches the same lists with parallel
// `kubectl get --chunk-size=500 -o json`. It reports wall time, requests,
// peak heap growth and bundle size per 1,000 pods.
func BenchmarkIntegrationCollectLab(b *testing.B) {
	c := lab.StartT(b, lab.Options{})
	bin, err := lab.Binaries(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	cfg := c.AdminConfig()
	cfg.QPS, cfg.Burst = 5000, 5000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	have := 0
	for _, n := range []int{3000, 30000} {
		t0 := time.Now()
		createPods(b, cs, have, n)
		b.Logf("created pods %d..%d in %v", have, n, time.Since(t0).Round(time.Millisecond))
		have = n
		b.Run(fmt.Sprintf("collect/pods=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			var peak atomic.Uint64
			var delta uint64
			var size int64
			var requests int
			for i := range b.N {
				o := NewOptions()
				o.Output = filepath.Join(dir, fmt.Sprintf("b%d.tgz", i))
				o.QPS = 0
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak.Store(ms.HeapInuse)
				stop := sampleHeap(&peak)
				res, err := Run(context.Background(), cfg, o, nil)
				stop()
				if err != nil {
					b.Fatal(err)
				}
				delta = max(delta, peak.Load()-ms.HeapInuse)
				fi, _ := os.Stat(res.Path)
				size, requests = fi.Size(), httpRequests(res)
				_ = os.Remove(res.Path)
			}
			b.ReportMetric(float64(delta)/(1<<20), "peak-heap-growth-MiB")
			b.ReportMetric(float64(requests), "http-requests")
			b.ReportMetric(float64(size)/float64(n)*1000/(1<<20), "MiB/1000pods")
		})
		b.Run(fmt.Sprintf("kubectl/pods=%d", n), func(b *testing.B) {
			for range b.N {
				kubectlLists(b, filepath.Join(bin, "kubectl"), c.Kubeconfig)
			}
		})
	}
}

// kubectlLists runs one `kubectl get --chunk-size=500 -o json` per default
// resource type, Concurrency at a time, output discarded.
func kubectlLists(b *testing.B, kubectl, kubeconfig string) {
	sem := make(chan struct{}, NewOptions().Concurrency)
	var wg sync.WaitGroup
	for _, rt := range defaultResources {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"--kubeconfig", kubeconfig, "get", rt.label(), "--chunk-size=500", "-o", "json"}
			if rt.namespaced {
				args = append(args, "--all-namespaces")
			}
			cmd := exec.Command(kubectl, args...)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Errorf("kubectl get %s: %v: %.200s", rt.label(), err, out)
			}
		})
	}
	wg.Wait()
}

// createPods creates pods from..to (Pending: the lab has no scheduler),
// podsPerNamespace per namespace.
func createPods(b *testing.B, cs kubernetes.Interface, from, to int) {
	ctx := context.Background()
	for ns := from / podsPerNamespace; ns*podsPerNamespace < to; ns++ {
		name := fmt.Sprintf("scale-%04d", ns)
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			b.Fatalf("namespace %s: %v", name, err)
		}
	}
	next := atomic.Int64{}
	next.Store(int64(from))
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= to || failed.Load() != nil {
					return
				}
				p := scalePod(i)
				var err error
				// A new namespace's default ServiceAccount may not exist yet.
				for try := 0; try < 50; try++ {
					if _, err = cs.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{}); err == nil || !apierrors.IsForbidden(err) {
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
				if err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatalf("create pods: %v", err)
	}
}

func scalePod(i int) *corev1.Pod {
	labels := map[string]string{"app": "api", "pod-template-hash": "7d9f8c6b5", "index": fmt.Sprint(i)}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("api-7d9f8c6b5-%06d", i), Namespace: fmt.Sprintf("scale-%04d", i/podsPerNamespace), Labels: labels},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name: "api", Image: "registry.example.com/team/api:1.42.0",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Env:   []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
				},
			}},
			Tolerations: []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
		},
	}
}
