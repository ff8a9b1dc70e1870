package lab

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
)

func TestStripKlogHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`E1123 05:02:26.383637   27694 controllermanager.go:413] "leaderelection lost/stopped"`, `"leaderelection lost/stopped"`},
		{`I1123 06:51:47.166851       1 route_controller.go:451] Creating route`, `Creating route`},
		{`=== lab: kube-controller-manager started`, `=== lab: kube-controller-manager started`},
		{`plain text] with bracket`, `plain text] with bracket`},
	} {
		if got := stripKlogHeader(tc.in); got != tc.want {
			t.Errorf("stripKlogHeader(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLogLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	body := "I1123 06:51:47.166851       1 a.go:1] one two\nE1123 06:51:47.166851       1 a.go:2] two three\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		subs []string
		want int
	}{{[]string{"two"}, 2}, {[]string{"two", "three"}, 1}, {[]string{"four"}, 0}} {
		if got := LogLines(path, tc.subs...); len(got) != tc.want {
			t.Errorf("LogLines(%v) = %q, want %d lines", tc.subs, got, tc.want)
		}
	}
}

func TestPKI(t *testing.T) {
	p, err := newPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.ca.cert)
	serving, err := os.ReadFile(p.servingCert)
	if err != nil || len(serving) == 0 {
		t.Fatalf("serving cert: %v", err)
	}
	for _, tc := range []struct {
		name   string
		kp     *keyPair
		cn     string
		groups []string
	}{
		{"admin", p.admin, "kubernetes-admin", []string{"system:masters"}},
		{"kcm", p.kcm, "system:kube-controller-manager", nil},
	} {
		if _, err := tc.kp.cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if tc.kp.cert.Subject.CommonName != tc.cn || strings.Join(tc.kp.cert.Subject.Organization, ",") != strings.Join(tc.groups, ",") {
			t.Errorf("%s: subject %v", tc.name, tc.kp.cert.Subject)
		}
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := writeKubeconfig(path, "https://127.0.0.1:6443", p.ca.certPEM, "kubernetes-admin", p.admin); err != nil {
		t.Fatal(err)
	}
	if _, err := clientcmd.BuildConfigFromFlags("", path); err != nil {
		t.Fatalf("kubeconfig does not load: %v", err)
	}
}

func TestRefusesOutsideNamespace(t *testing.T) {
	if Isolated() {
		t.Skip("running isolated")
	}
	if err := AddLoopbackAddress("10.244.1.5"); err == nil {
		t.Fatal("AddLoopbackAddress outside the namespace succeeded")
	}
	if _, err := Start(t.Context(), Options{}); err == nil {
		t.Fatal("Start outside the namespace succeeded")
	}
}

func TestRunIsolatedWithoutNamespace(t *testing.T) {
	t.Setenv(EnvNetns, "")
	saved, savedErr, savedFn := isolated, isoErr, reexecFunc
	defer func() { isolated, isoErr, reexecFunc = saved, savedErr, savedFn }()
	reexecFunc = func() (int, error) { return 0, errors.New("operation not permitted") }
	for _, tc := range []struct {
		name    string
		ci      bool
		wantRan bool
		want    int
	}{
		{"local run skips lab tests", false, true, 7},
		{"CI fails", true, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran := false
			code := runIsolated(func() int {
				ran = true
				if Isolated() || !strings.Contains(IsolationError().Error(), "operation not permitted") {
					t.Errorf("Isolated()=%v IsolationError()=%v", Isolated(), IsolationError())
				}
				return 7
			}, tc.ci)
			if ran != tc.wantRan || code != tc.want {
				t.Errorf("ran=%v code=%d, want ran=%v code=%d", ran, code, tc.wantRan, tc.want)
			}
		})
	}
}

func TestWriteCCMSource(t *testing.T) {
	dir := t.TempDir()
	if err := writeCCMSource(dir); err != nil {
		t.Fatal(err)
	}
	// build-binaries.sh reads these three; each must stay out of nsbundle's
	// module (go:build ignore) and the route files must define the same func.
	for _, tc := range []struct{ name, want string }{
		{"main.go", "newRouteController("},
		{"route_error.go", "func newRouteController("},
		{"route_plain.go", "func newRouteController("},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "//go:build ignore\n") || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: not an ignored file containing %q", tc.name, tc.want)
		}
	}
}

func TestMinorOf(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"v1.30.14", 30, true}, {"v1.37.2", 37, true}, {"v1.31.2+k3s1", 31, true}, {"v1.9", 9, true},
		{"v2.30.1", 0, false}, {"1.30.14", 0, false}, {"v1.", 0, false}, {"", 0, false},
	} {
		if got, ok := minorOf(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("minorOf(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		env, want string
		err       bool
	}{
		{"", DefaultVersion, false}, {"v1.30.14", "v1.30.14", false},
		{"1.30.14", "", true}, {"v1.30", "", true}, {"v1.30.14; rm -rf /", "", true}, {"latest", "", true},
	} {
		t.Setenv(EnvVersion, tc.env)
		got, err := Version()
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("Version() with %s=%q = %q, %v; want %q (error %v)", EnvVersion, tc.env, got, err, tc.want, tc.err)
		}
	}
}
