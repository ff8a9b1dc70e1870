package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/collect/collecttest"
)

// realisticPod is a Pod as a Deployment creates it, managedFields included
// (about 4 KiB of JSON).
func realisticPod(i int) map[string]any {
	ns := fmt.Sprintf("team-%03d", i%100)
	name := fmt.Sprintf("api-7d9f8c6b5-%05d", i)
	fields := map[string]any{"f:metadata": map[string]any{"f:generateName": map[string]any{}, "f:labels": map[string]any{".": map[string]any{}, "f:app": map[string]any{}, "f:pod-template-hash": map[string]any{}},
		"f:ownerReferences": map[string]any{".": map[string]any{}, `k:{"uid":"d9b3"}`: map[string]any{}}},
		"f:spec": map[string]any{"f:containers": map[string]any{`k:{"name":"api"}`: map[string]any{".": map[string]any{}, "f:env": map[string]any{}, "f:image": map[string]any{}, "f:ports": map[string]any{}, "f:resources": map[string]any{}}},
			"f:dnsPolicy": map[string]any{}, "f:restartPolicy": map[string]any{}, "f:schedulerName": map[string]any{}, "f:terminationGracePeriodSeconds": map[string]any{}}}
	status := map[string]any{"f:status": map[string]any{"f:conditions": map[string]any{`k:{"type":"Ready"}`: map[string]any{".": map[string]any{}, "f:lastTransitionTime": map[string]any{}, "f:status": map[string]any{}, "f:type": map[string]any{}}},
		"f:containerStatuses": map[string]any{}, "f:hostIP": map[string]any{}, "f:phase": map[string]any{}, "f:podIP": map[string]any{}, "f:startTime": map[string]any{}}}
	var conds []any
	for _, c := range []string{"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"} {
		conds = append(conds, map[string]any{"type": c, "status": "True", "lastProbeTime": nil, "lastTransitionTime": "2026-11-20T10:00:00Z"})
	}
	return map[string]any{
		"metadata": map[string]any{"name": name, "generateName": "api-7d9f8c6b5-", "namespace": ns, "uid": fmt.Sprintf("0c5b2f1e-0000-4000-8000-%012d", i),
			"resourceVersion": fmt.Sprint(100000 + i), "creationTimestamp": "2026-11-20T10:00:00Z",
			"labels":          map[string]any{"app": "api", "pod-template-hash": "7d9f8c6b5"},
			"ownerReferences": []any{map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-7d9f8c6b5", "uid": "d9b3", "controller": true, "blockOwnerDeletion": true}},
			"managedFields": []any{
				map[string]any{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": "2026-11-20T10:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": fields},
				map[string]any{"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2026-11-20T10:00:05Z", "fieldsType": "FieldsV1", "fieldsV1": status, "subresource": "status"}}},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "api", "image": "registry.example.com/team/api:1.42.0",
			"ports":                  []any{map[string]any{"containerPort": 8080, "protocol": "TCP", "name": "http"}},
			"env":                    []any{map[string]any{"name": "LOG_LEVEL", "value": "info"}, map[string]any{"name": "POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}}},
			"resources":              map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}, "limits": map[string]any{"memory": "256Mi"}},
			"volumeMounts":           []any{map[string]any{"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}},
			"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}},
			"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "serviceAccountName": "default",
			"nodeName": fmt.Sprintf("node-%04d", i%500), "schedulerName": "default-scheduler", "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority",
			"tolerations": []any{map[string]any{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
				map[string]any{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}},
			"volumes": []any{map[string]any{"name": "kube-api-access-x7k2p", "projected": map[string]any{"defaultMode": 420, "sources": []any{
				map[string]any{"serviceAccountToken": map[string]any{"expirationSeconds": 3607, "path": "token"}},
				map[string]any{"configMap": map[string]any{"name": "kube-root-ca.crt", "items": []any{map[string]any{"key": "ca.crt", "path": "ca.crt"}}}}}}}}},
		"status": map[string]any{"phase": "Running", "conditions": conds, "hostIP": "10.0.0.1", "podIP": fmt.Sprintf("10.244.%d.%d", i/250%250, i%250),
			"startTime": "2026-11-20T10:00:00Z", "qosClass": "Burstable",
			"containerStatuses": []any{map[string]any{"name": "api", "ready": true, "restartCount": 0, "started": true, "image": "registry.example.com/team/api:1.42.0",
				"imageID": "registry.example.com/team/api@sha256:5f0e3c", "containerID": "containerd://9a8b7c",
				"state": map[string]any{"running": map[string]any{"startedAt": "2026-11-20T10:00:03Z"}}}}},
	}
}

// BenchmarkCollectPods collects a fake cluster holding n realistic pods
// (plus the small broken cluster). It reports objects/s, the peak heap
// sampled during the run, and the bundle size per 1,000 pods.
func BenchmarkCollectPods(b *testing.B) {
	for _, n := range []int{3000, 30000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			cfg := brokenServer(b, 0, collecttest.Generated("v1/pods", n, func(i int) []byte {
				b, _ := json.Marshal(realisticPod(i))
				return b
			})).Config()
			dir := b.TempDir()
			var peak atomic.Uint64
			var delta uint64
			var size int64
			b.ResetTimer()
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
				delta = max(delta, peak.Load()-ms.HeapInuse)
				if err != nil {
					b.Fatal(err)
				}
				fi, _ := os.Stat(res.Path)
				size = fi.Size()
				_ = os.Remove(res.Path)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pods/s")
			b.ReportMetric(float64(delta)/(1<<20), "peak-heap-growth-MiB")
			b.ReportMetric(float64(size)/float64(n)*1000/(1<<20), "MiB/1000pods")
		})
	}
}

// sampleHeap records the largest HeapInuse seen until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// httpRequests counts the HTTP requests a collection made: every page and
// retry.
func httpRequests(res *Result) int {
	n := 0
	for _, r := range res.Manifest.Requests {
		n += max(r.Pages, 1) + r.Retries
	}
	return n
}
