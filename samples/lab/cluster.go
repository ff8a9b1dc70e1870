package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options configure Start. The zero value is usable.
type Options struct {
	// Dir is the lab's working directory (certificates, data, logs); a new
	// temporary directory when empty.
	Dir string
	// BinDir holds the binaries; Binaries(ctx) when empty.
	BinDir string
	// KeepDir keeps Dir after Stop (a temporary Dir is removed otherwise).
	KeepDir bool
	// Logf receives progress lines; silent when nil.
	Logf func(format string, args ...any)
	// APIServerArgs and ControllerManagerArgs are appended to the defaults.
	APIServerArgs, ControllerManagerArgs []string
}

// Cluster is a running lab control plane.
type Cluster struct {
	// Dir is the lab's working directory.
	Dir string
	// Kubeconfig is the path of the admin kubeconfig (user kubernetes-admin,
	// group system:masters).
	Kubeconfig string
	// APIServerURL is https://127.0.0.1:<port>.
	APIServerURL string
	// Logs are the log files of the lab's programs.
	Logs Logs
	// Client and Dynamic are admin clients.
	Client  kubernetes.Interface
	Dynamic dynamic.Interface
	// GitVersion is the version kube-apiserver reports ("v1.30.14"); Minor
	// is its minor (30). Scenarios whose outcome differs between versions
	// read them.
	GitVersion string
	Minor      int

	opts    Options
	binDir  string
	pki     *pki
	kcmKube string
	etcdURL string

	mu         sync.Mutex
	etcd, apis *process
	kcm        *process
	loop       *crashLoop
	route      *lostRoute
	kcmRuns    []string
	podLogs    map[string]func(time.Time) string
	extras     []func()
	stopped    bool
}

// Logs names the lab's log files.
type Logs struct {
	Etcd, APIServer, ControllerManager, Audit string
}

func (o *Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// Start brings up etcd, kube-apiserver and kube-controller-manager and returns
// once the apiserver answers /readyz and the controller-manager leads. It
// refuses to run outside the lab's private network namespace.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if !Isolated() {
		return nil, fmt.Errorf("lab: refusing to start a cluster outside a private network namespace: %w", IsolationError())
	}
	t0 := time.Now()
	bin := opts.BinDir
	if bin == "" {
		if bin, err = Binaries(ctx); err != nil {
			return nil, err
		}
	}
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "nsbundle-lab-"); err != nil {
			return nil, err
		}
	} else if err = os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c = &Cluster{Dir: dir, opts: opts, binDir: bin}
	started := c // `return nil, err` clears c before the deferred Stop runs
	c.Logs = Logs{
		Etcd:              filepath.Join(dir, "logs", "etcd.log"),
		APIServer:         filepath.Join(dir, "logs", "kube-apiserver.log"),
		ControllerManager: filepath.Join(dir, "logs", "kube-controller-manager.log"),
		Audit:             filepath.Join(dir, "logs", "audit.log"),
	}
	defer func() {
		if err != nil {
			started.Stop()
		}
	}()
	if err = os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	if c.pki, err = newPKI(filepath.Join(dir, "pki")); err != nil {
		return nil, err
	}
	if err = c.startEtcd(); err != nil {
		return nil, err
	}
	if err = c.startAPIServer(ctx); err != nil {
		return nil, err
	}
	if err = c.readVersion(); err != nil {
		return nil, err
	}
	opts.logf("lab: kube-apiserver %s ready at %s after %v", c.GitVersion, c.APIServerURL, time.Since(t0).Round(time.Millisecond))
	if err = c.StartControllerManager(ctx); err != nil {
		return nil, err
	}
	opts.logf("lab: kube-controller-manager leading after %v", time.Since(t0).Round(time.Millisecond))
	return c, nil
}

// StartT starts a cluster for a test: it skips the test under -short or
// outside the private network namespace, fails it on error and stops the
// cluster when the test ends.
func StartT(t testing.TB, opts Options) *Cluster {
	t.Helper()
	SkipUnlessIsolated(t)
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("lab start: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("lab dir kept for inspection: %s", c.Dir)
			c.opts.KeepDir = true
		}
		c.Stop()
	})
	return c
}

// SkipUnlessIsolated skips a lab test under -short or when the process is not
// in the lab's private network namespace (saying why).
func SkipUnlessIsolated(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("lab test skipped under -short")
	}
	if !Isolated() {
		t.Skipf("lab test skipped: %v", IsolationError())
	}
}

// readVersion sets GitVersion and Minor from kube-apiserver's /version.
func (c *Cluster) readVersion() error {
	v, err := c.Client.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("kube-apiserver version: %w", err)
	}
	m, ok := minorOf(v.GitVersion)
	if !ok {
		return fmt.Errorf("kube-apiserver version %q: no minor", v.GitVersion)
	}
	c.GitVersion, c.Minor = v.GitVersion, m
	return nil
}

// minorOf returns the minor of a version "v1.MINOR.PATCH...".
func minorOf(gitVersion string) (int, bool) {
	rest, ok := strings.CutPrefix(gitVersion, "v1.")
	if !ok {
		return 0, false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	m, err := strconv.Atoi(rest[:end])
	return m, err == nil
}

// BinDir returns the directory of the lab's binaries (kubectl among them).
func (c *Cluster) BinDir() string { return c.binDir }

// AdminConfig returns a rest.Config for the admin user.
func (c *Cluster) AdminConfig() *rest.Config {
	return c.configFor(c.pki.admin)
}

func (c *Cluster) configFor(kp *keyPair) *rest.Config {
	return &rest.Config{
		Host: c.APIServerURL,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   c.pki.ca.certPEM,
			CertData: kp.certPEM,
			KeyData:  kp.keyPEM,
		},
		QPS:   100,
		Burst: 200,
	}
}

// ConfigFor returns a rest.Config authenticating as user with groups.
func (c *Cluster) ConfigFor(user string, groups ...string) (*rest.Config, error) {
	kp, err := c.pki.clientCert(user, groups...)
	if err != nil {
		return nil, err
	}
	return c.configFor(kp), nil
}

// KubeconfigFor writes a kubeconfig for user with groups (a fresh client
// certificate signed by the cluster CA) and returns its path.
func (c *Cluster) KubeconfigFor(user string, groups ...string) (string, error) {
	kp, err := c.pki.clientCert(user, groups...)
	if err != nil {
		return "", err
	}
	path := filepath.Join(c.Dir, "kubeconfig-"+fileSafe(user))
	return path, writeKubeconfig(path, c.APIServerURL, c.pki.ca.certPEM, user, kp)
}

// Stop stops every program of the lab and removes a temporary directory.
func (c *Cluster) Stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	loop, extras := c.loop, c.extras
	c.loop, c.extras = nil, nil
	c.mu.Unlock()
	if loop != nil {
		loop.stop()
	}
	for i := len(extras) - 1; i >= 0; i-- {
		extras[i]()
	}
	c.mu.Lock()
	kcm, apis, etcd := c.kcm, c.apis, c.etcd
	c.mu.Unlock()
	kcm.stop(10 * time.Second)
	apis.stop(15 * time.Second)
	etcd.stop(10 * time.Second)
	if !c.opts.KeepDir && c.opts.Dir == "" {
		_ = os.RemoveAll(c.Dir)
	}
}

// onStop registers a cleanup run by Stop (last registered runs first).
func (c *Cluster) onStop(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.extras = append(c.extras, f)
}

// waitReady polls the apiserver's /readyz until it answers 200.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	rt, err := rest.TransportFor(c.AdminConfig())
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: rt, Timeout: 5 * time.Second}
	deadline := time.Now().Add(timeout)
	last := "no answer"
	for {
		if c.apis.exited() {
			return c.apis.exitError()
		}
		if c.etcd.exited() {
			return c.etcd.exitError()
		}
		resp, err := hc.Get(c.APIServerURL + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kube-apiserver not ready after %v: %s\nlog tail:\n%s", timeout, last, tail(c.Logs.APIServer, 15))
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), errors.New(last))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func fileSafe(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
