package lab

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestMain(m *testing.M) { RunIsolated(m) }

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
}
