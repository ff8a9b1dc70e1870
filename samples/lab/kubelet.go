package lab

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// kubeletPort is the kubelet's serving port.
const kubeletPort = 10250

// startKubeletServer serves the kubelet's container-log endpoint on the
// node's InternalIP (added to lo), so `kubectl logs` through kube-apiserver
// works for pods the lab created with a Log.
func (c *Cluster) startKubeletServer(node, ip string) error {
	if err := AddLoopbackAddress(ip); err != nil {
		return err
	}
	kp, err := c.pki.serverCert([]string{node}, []net.IP{net.ParseIP(ip)})
	if err != nil {
		return err
	}
	cert, err := tls.X509KeyPair(kp.certPEM, kp.keyPEM)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(kubeletPort)))
	if err != nil {
		_ = RemoveLoopbackAddress(ip)
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	mux.HandleFunc("/containerLogs/", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/containerLogs/"), "/")
		if len(parts) != 3 {
			http.NotFound(w, r)
			return
		}
		c.mu.Lock()
		logFn, ok := c.podLogs[parts[0]+"/"+parts[1]+"/"+parts[2]]
		c.mu.Unlock()
		if !ok {
			http.Error(w, fmt.Sprintf("container %q in pod %q is not available", parts[2], parts[1]), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, logFn(time.Now()))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() {
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.opts.logf("lab: kubelet %s: %v", node, err)
		}
	}()
	c.onStop(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = RemoveLoopbackAddress(ip)
	})
	return nil
}

// setPodLog records what the fake kubelet returns for a container's log:
// logFn gets the time of the request (a log never runs ahead of it).
func (c *Cluster) setPodLog(ns, pod, container string, logFn func(now time.Time) string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.podLogs == nil {
		c.podLogs = map[string]func(time.Time) string{}
	}
	c.podLogs[ns+"/"+pod+"/"+container] = logFn
}
