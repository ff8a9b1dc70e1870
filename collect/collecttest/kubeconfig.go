package collecttest

import (
	"net"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ContextName is the current context of the kubeconfig files written here.
const ContextName = "fake"

// Kubeconfig writes a kubeconfig file whose current context, ContextName,
// points at s, and returns its path, for a command's --kubeconfig.
func (s *Server) Kubeconfig(t testing.TB) string {
	t.Helper()
	return WriteKubeconfig(t, s.URL, s.CA())
}

// WriteKubeconfig writes a kubeconfig file whose current context,
// ContextName, points at server and trusts the PEM certificate ca, with a
// bearer token the fake ignores. The file is in a temporary directory
// removed when t ends; its path is returned.
func WriteKubeconfig(t testing.TB, server string, ca []byte) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[ContextName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[ContextName] = &clientcmdapi.AuthInfo{Token: "fake-token"}
	cfg.Contexts[ContextName] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: ContextName}
	cfg.CurrentContext = ContextName
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// RefusedURL returns an https URL on 127.0.0.1 where nothing listens, so
// connections to it are refused.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "https://" + addr
}
