package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// auditPolicy is kube-apiserver's audit policy (first matching rule wins,
// none matching is level None): every request of the users tests audit
// (AuditedUsers: a collector must only read), and at Metadata the changes
// of the objects whose deletion or change roots a chain, so the audit log a
// sample carries names who made them and stays small (no reads, no status
// updates: a subresource is "resource/subresource" and matches no rule).
var auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  users: ["` + strings.Join(AuditedUsers, `", "`) + `"]
- level: Metadata
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
  resources:
  - group: rbac.authorization.k8s.io
    resources: ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]
  - group: apiregistration.k8s.io
    resources: ["apiservices"]
  - group: ""
    resources: ["services"]
  - group: admissionregistration.k8s.io
    resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]
- level: None
`

func (c *Cluster) startEtcd() error {
	clientPort, err := freePort()
	if err != nil {
		return err
	}
	peerPort, err := freePort()
	if err != nil {
		return err
	}
	client := "http://127.0.0.1:" + itoa(clientPort)
	peer := "http://127.0.0.1:" + itoa(peerPort)
	args := []string{
		"--name=lab", "--data-dir=" + filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=lab=" + peer, "--initial-cluster-state=new",
		"--unsafe-no-fsync=true", "--quota-backend-bytes=4294967296",
		"--log-level=warn",
	}
	p, err := startProcess("etcd", filepath.Join(c.binDir, "etcd"), args, c.Logs.Etcd)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.etcd = p
	c.mu.Unlock()
	c.etcdURL = client
	return nil
}

func (c *Cluster) startAPIServer(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.APIServerURL = "https://127.0.0.1:" + itoa(port)
	policy := filepath.Join(c.Dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o644); err != nil {
		return err
	}
	p := c.pki
	args := []string{
		"--etcd-servers=" + c.etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + itoa(port),
		"--cert-dir=" + filepath.Join(c.Dir, "apiserver-certs"),
		"--tls-cert-file=" + p.servingCert, "--tls-private-key-file=" + p.servingKey,
		"--client-ca-file=" + p.caFile,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.saPub, "--service-account-signing-key-file=" + p.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		"--endpoint-reconciler-type=none",
		"--enable-aggregator-routing=true",
		"--requestheader-client-ca-file=" + p.frontProxyCAFile,
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + p.proxyCert, "--proxy-client-key-file=" + p.proxyKey,
		"--audit-log-path=" + c.Logs.Audit, "--audit-policy-file=" + policy,
		"--audit-log-maxsize=200", "--audit-log-maxbackup=1",
		// As kubeadm: dial kubelets by InternalIP, never resolve node names
		// (the lab has no DNS; a lookup would quote the host's resolver).
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
		"--profiling=false",
		"--v=2",
	}
	args = append(args, c.opts.APIServerArgs...)
	proc, err := startProcess("kube-apiserver", filepath.Join(c.binDir, "kube-apiserver"), args, c.Logs.APIServer)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.apis = proc
	c.mu.Unlock()
	if err := c.waitReady(ctx, 2*time.Minute); err != nil {
		return err
	}
	admin := c.AdminConfig()
	if c.Client, err = kubernetes.NewForConfig(admin); err != nil {
		return err
	}
	if c.Dynamic, err = dynamic.NewForConfig(admin); err != nil {
		return err
	}
	c.Kubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	if err := writeKubeconfig(c.Kubeconfig, c.APIServerURL, p.ca.certPEM, "kubernetes-admin", p.admin); err != nil {
		return err
	}
	c.kcmKube = filepath.Join(c.Dir, "controller-manager.kubeconfig")
	return writeKubeconfig(c.kcmKube, c.APIServerURL, p.ca.certPEM, "system:kube-controller-manager", p.kcm)
}

// writeKubeconfig writes a kubeconfig with embedded credentials.
func writeKubeconfig(path, server string, caPEM []byte, user string, kp *keyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["lab"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: kp.certPEM, ClientKeyData: kp.keyPEM}
	cfg.Contexts[user+"@lab"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: user}
	cfg.CurrentContext = user + "@lab"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	return os.Chmod(path, 0o600)
}

// controllerManagerArgs are kube-controller-manager's flags, close to kubeadm's.
func (c *Cluster) controllerManagerArgs() ([]string, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p := c.pki
	args := []string{
		"--kubeconfig=" + c.kcmKube,
		"--authentication-kubeconfig=" + c.kcmKube, "--authorization-kubeconfig=" + c.kcmKube,
		"--bind-address=127.0.0.1", "--secure-port=" + itoa(port),
		"--cert-dir=" + filepath.Join(c.Dir, "controller-manager-certs"),
		"--client-ca-file=" + p.caFile, "--requestheader-client-ca-file=" + p.frontProxyCAFile,
		"--leader-elect=true",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file=" + p.saKey,
		"--root-ca-file=" + p.caFile,
		"--cluster-signing-cert-file=" + p.caFile, "--cluster-signing-key-file=" + p.caKeyFile,
		"--cluster-name=nsbundle-lab",
		"--controllers=*,bootstrapsigner,tokencleaner",
		"--flex-volume-plugin-dir=" + filepath.Join(c.Dir, "flexvolume"),
		"--profiling=false",
		"--v=2",
	}
	return append(args, c.opts.ControllerManagerArgs...), nil
}

// startKCMProcess starts one kube-controller-manager process (no waiting).
// Its output goes to the continuous log and to a log of its own run
// (logs/kube-controller-manager.run-N.log), like a container's current and
// previous logs; its flags go to logs/kube-controller-manager.args.
func (c *Cluster) startKCMProcess() (*process, error) {
	args, err := c.controllerManagerArgs()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	run := filepath.Join(c.Dir, "logs", fmt.Sprintf("kube-controller-manager.run-%d.log", len(c.kcmRuns)+1))
	c.kcmRuns = append(c.kcmRuns, run)
	c.mu.Unlock()
	argsFile := filepath.Join(c.Dir, "logs", "kube-controller-manager.args")
	if err := os.WriteFile(argsFile, []byte(strings.Join(args, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	return startProcess("kube-controller-manager", filepath.Join(c.binDir, "kube-controller-manager"), args, c.Logs.ControllerManager, run)
}

// ControllerManagerRunLogs returns the per-run logs of kube-controller-manager,
// oldest first; the last is the current (or last) run.
func (c *Cluster) ControllerManagerRunLogs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.kcmRuns...)
}

// StartControllerManager starts kube-controller-manager and waits until it
// holds its leader lease (a fresh holder identity, ~15 s after a previous
// holder that did not release it).
func (c *Cluster) StartControllerManager(ctx context.Context) error {
	c.mu.Lock()
	running := c.kcm != nil && !c.kcm.exited()
	c.mu.Unlock()
	if running {
		return fmt.Errorf("kube-controller-manager already running")
	}
	before, _ := c.leaseHolder(ctx)
	p, err := c.startKCMProcess()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.kcm = p
	c.mu.Unlock()
	return c.waitLeading(ctx, p, before, 2*time.Minute)
}

// StopControllerManager stops kube-controller-manager (SIGTERM); like a
// v1.37 controller-manager it leaves its lease to expire.
func (c *Cluster) StopControllerManager() {
	c.mu.Lock()
	p, loop := c.kcm, c.loop
	c.loop = nil
	c.mu.Unlock()
	if loop != nil {
		loop.stop()
	}
	p.stop(10 * time.Second)
}

// RestartControllerManager stops and starts kube-controller-manager.
func (c *Cluster) RestartControllerManager(ctx context.Context) error {
	c.StopControllerManager()
	return c.StartControllerManager(ctx)
}

func (c *Cluster) waitLeading(ctx context.Context, p *process, before string, timeout time.Duration) error {
	return poll(ctx, timeout, time.Second, func() (bool, string, error) {
		if p.exited() {
			return false, "", p.exitError()
		}
		h, err := c.leaseHolder(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return h != "" && h != before, fmt.Sprintf("lease holder %q (previous %q)", h, before), nil
	})
}

// leaseHolder returns the holder of kube-system/kube-controller-manager.
func (c *Cluster) leaseHolder(ctx context.Context) (string, error) {
	l, err := c.Client.CoordinationV1().Leases("kube-system").Get(ctx, "kube-controller-manager", getOpts)
	if err != nil {
		return "", err
	}
	if l.Spec.HolderIdentity == nil {
		return "", nil
	}
	return *l.Spec.HolderIdentity, nil
}

// RenewControllerManagerCert is the lab's stand-in for the Fix of an
// expired controller-manager certificate, a step on the control-plane
// host: `kubeadm certs renew controller-manager.conf` (a new client
// certificate for system:kube-controller-manager in its kubeconfig), then
// the restart of its static pod. It returns once the restarted
// kube-controller-manager leads.
func (c *Cluster) RenewControllerManagerCert(ctx context.Context) error {
	kp, err := c.pki.clientCert("system:kube-controller-manager")
	if err != nil {
		return err
	}
	if err := writeKubeconfig(c.kcmKube, c.APIServerURL, c.pki.ca.certPEM, "system:kube-controller-manager", kp); err != nil {
		return err
	}
	return c.RestartControllerManager(ctx)
}
