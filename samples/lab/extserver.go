package lab

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExtensionServer is a fake metrics-server: an HTTPS server on a "pod IP"
// (added to lo) that serves just enough discovery for the aggregator to mark
// v1beta1.metrics.k8s.io Available.
type ExtensionServer struct {
	// IP and Port are where it listens.
	IP   string
	Port int

	srv  *http.Server
	once sync.Once
}

// StartExtensionServer adds ip to lo and serves metrics.k8s.io discovery on
// ip:port with a certificate for metrics-server.kube-system.svc signed by the
// cluster CA. Stop (or the cluster's Stop) ends it and removes the address.
// Another cluster of this process using ip waits until this one stops.
func (c *Cluster) StartExtensionServer(ctx context.Context, ip string, port int) (*ExtensionServer, error) {
	return c.startPodServer(ctx, ip, port, []string{"metrics-server.kube-system.svc", "metrics-server.kube-system.svc.cluster.local"}, metricsHandler())
}

// startPodServer adds ip to lo and serves h over HTTPS on ip:port, with a
// certificate for dns and ip signed by the cluster CA: what a pod behind a
// Service would serve to kube-apiserver.
func (c *Cluster) startPodServer(ctx context.Context, ip string, port int, dns []string, h http.Handler) (*ExtensionServer, error) {
	if err := c.claim(ctx, ip); err != nil {
		return nil, err
	}
	if err := AddLoopbackAddress(ip); err != nil {
		return nil, err
	}
	kp, err := c.pki.serverCert(dns, []net.IP{net.ParseIP(ip)})
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(kp.certPEM, kp.keyPEM)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		_ = RemoveLoopbackAddress(ip)
		return nil, err
	}
	s := &ExtensionServer{IP: ip, Port: port}
	// Handshakes fail while a client does not trust the cluster CA yet
	// (a conversion webhook before its caBundle is set): not an error of
	// the lab, and not for the test's output.
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() {
		if err := s.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.opts.logf("lab: pod server %s: %v", ip, err)
		}
	}()
	c.onStop(s.Stop)
	return s, nil
}

// Stop shuts the server down and removes its address from lo.
func (s *ExtensionServer) Stop() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
		_ = RemoveLoopbackAddress(s.IP)
	})
}

func metricsHandler() http.Handler {
	gv := metav1.GroupVersionForDiscovery{GroupVersion: "metrics.k8s.io/v1beta1", Version: "v1beta1"}
	group := metav1.APIGroup{TypeMeta: metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}, Name: "metrics.k8s.io",
		Versions: []metav1.GroupVersionForDiscovery{gv}, PreferredVersion: gv}
	resources := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: "metrics.k8s.io/v1beta1",
		APIResources: []metav1.APIResource{
			{Name: "nodes", Kind: "NodeMetrics", Verbs: []string{"get", "list"}},
			{Name: "pods", Namespaced: true, Kind: "PodMetrics", Verbs: []string{"get", "list"}},
		}}
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("/apis", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []metav1.APIGroup{group}})
	})
	mux.HandleFunc("/apis/metrics.k8s.io", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, group) })
	mux.HandleFunc("/apis/metrics.k8s.io/v1beta1", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, resources) })
	for _, kind := range []string{"nodes", "pods"} {
		listKind := map[string]string{"nodes": "NodeMetricsList", "pods": "PodMetricsList"}[kind]
		mux.HandleFunc("/apis/metrics.k8s.io/v1beta1/"+kind, func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, map[string]any{"kind": listKind, "apiVersion": "metrics.k8s.io/v1beta1", "metadata": map[string]any{}, "items": []any{}})
		})
	}
	for _, p := range []string{"/healthz", "/livez", "/readyz"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	}
	mux.HandleFunc("/openapi/v2", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"swagger": "2.0", "info": map[string]any{"title": "metrics-server (nsbundle lab)", "version": "v0.8.0"}, "paths": map[string]any{}})
	})
	mux.HandleFunc("/openapi/v3", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, map[string]any{"paths": map[string]any{}}) })
	return mux
}
