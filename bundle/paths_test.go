package bundle

import "testing"

func TestResourcePath(t *testing.T) {
	tests := []struct {
		name string
		p    ResourcePath
		key  string
	}{
		{"resources/core/v1/pods.json", ResourcePath{Version: "v1", Resource: "pods"}, "pods"},
		{"resources/apps/v1/deployments.json", ResourcePath{Group: "apps", Version: "v1", Resource: "deployments"}, "deployments.apps"},
		{"resources/rbac.authorization.k8s.io/v1/roles/kube-system.json", ResourcePath{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles", Namespace: "kube-system"}, "roles.rbac.authorization.k8s.io"},
		{"resources/core/v1/pods/files.json", ResourcePath{Version: "v1", Resource: "pods", Namespace: "files"}, "pods"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.name {
			t.Errorf("%+v.String() = %q, want %q", tt.p, got, tt.name)
		}
		got, ok := ParseResourcePath(tt.name)
		if !ok || got != tt.p {
			t.Errorf("ParseResourcePath(%q) = %+v, %v; want %+v", tt.name, got, ok, tt.p)
		}
		if got.Key() != tt.key {
			t.Errorf("%q: key %q, want %q", tt.name, got.Key(), tt.key)
		}
		if err := checkWriteName(tt.name); err != nil {
			t.Errorf("%q: the Writer refuses it: %v", tt.name, err)
		}
	}
	refused := []string{
		"", "resources", "resources/core/v1.json", "resources/core/v1/pods", "resources/core/v1/pods.yaml",
		"resources//v1/pods.json", "resources/core//pods.json", "resources/core/v1/.json", "resources/core/v1/pods/.json",
		"resources/core/v1/pods/a/b.json", "cluster-resources/pods.json", "resource/core/v1/pods.json",
		"resources/core/../pods.json", "resources/core/v1/../x.json", "resources/core/v1/p\\x.json",
		"/resources/core/v1/pods.json", "x/resources/core/v1/pods.json",
	}
	for _, name := range refused {
		if p, ok := ParseResourcePath(name); ok {
			t.Errorf("ParseResourcePath(%q) = %+v, want refused", name, p)
		}
	}
	for _, p := range []ResourcePath{{Group: "core", Version: "v1", Resource: "pods"}, {Version: "v1"}, {Version: "v1", Resource: "a/b"}, {Version: "..", Resource: "pods"}} {
		if p.Valid() {
			t.Errorf("%+v is valid, want not: it would not parse back", p)
		}
	}
}

func TestLogPaths(t *testing.T) {
	pods := []struct {
		name string
		p    PodLogPath
	}{
		{"logs/kube-system/kcm-x/kube-controller-manager.log", PodLogPath{Namespace: "kube-system", Pod: "kcm-x", Container: "kube-controller-manager"}},
		{"logs/kube-system/ms-1/metrics-server.previous.log", PodLogPath{Namespace: "kube-system", Pod: "ms-1", Container: "metrics-server", Previous: true}},
		{"logs/files/p/c.log", PodLogPath{Namespace: "files", Pod: "p", Container: "c"}}, // a namespace named "files"
		{"logs/ns/p/previous.log", PodLogPath{Namespace: "ns", Pod: "p", Container: "previous"}},
	}
	for _, tt := range pods {
		if got := tt.p.String(); got != tt.name {
			t.Errorf("%+v.String() = %q, want %q", tt.p, got, tt.name)
		}
		if got, ok := ParsePodLogPath(tt.name); !ok || got != tt.p {
			t.Errorf("ParsePodLogPath(%q) = %+v, %v; want %+v", tt.name, got, ok, tt.p)
		}
		if _, ok := ParseFileLogPath(tt.name); ok {
			t.Errorf("%q parses as a file log too", tt.name)
		}
	}
	files := []struct {
		name string
		p    FileLogPath
	}{
		{"logs/files/kube-controller-manager.log", FileLogPath{Name: "kube-controller-manager"}},
		{"logs/files/kcm.previous.log", FileLogPath{Name: "kcm.previous"}},
	}
	for _, tt := range files {
		if got := tt.p.String(); got != tt.name {
			t.Errorf("%+v.String() = %q, want %q", tt.p, got, tt.name)
		}
		if got, ok := ParseFileLogPath(tt.name); !ok || got != tt.p {
			t.Errorf("ParseFileLogPath(%q) = %+v, %v; want %+v", tt.name, got, ok, tt.p)
		}
		if _, ok := ParsePodLogPath(tt.name); ok {
			t.Errorf("%q parses as a pod log too", tt.name)
		}
	}
	refused := []string{
		"", "logs/a.log", "logs/ns/p/c.txt", "logs/ns/p/c", "logs//p/c.log", "logs/ns//c.log", "logs/ns/p/.log",
		"logs/ns/p/.previous.log", "logs/ns/p/c.previous.previous.log", "logs/ns/p/c/d.log", "logs/files/.log",
		"logs/files/...log", "logs/other/x.log", "cluster-resources/pods/logs/ns/p/c.log", "logs/ns/../c.log",
	}
	for _, name := range refused {
		if p, ok := ParsePodLogPath(name); ok {
			t.Errorf("ParsePodLogPath(%q) = %+v, want refused", name, p)
		}
		if p, ok := ParseFileLogPath(name); ok {
			t.Errorf("ParseFileLogPath(%q) = %+v, want refused", name, p)
		}
	}
	if (PodLogPath{Namespace: "n", Pod: "p", Container: "c.previous"}).Valid() {
		t.Error("a container named c.previous is valid: it would parse back as c's previous log")
	}
}

func TestTerminatingPath(t *testing.T) {
	p := TerminatingPath{Namespace: "analytics"}
	if p.String() != "terminating/analytics.json" {
		t.Errorf("String() = %q", p.String())
	}
	if got, ok := ParseTerminatingPath(p.String()); !ok || got != p {
		t.Errorf("ParseTerminatingPath = %+v, %v", got, ok)
	}
	for _, name := range []string{"terminating/.json", "terminating/a/b.json", "terminating/a.yaml", "terminating/...json", "resources/core/v1/namespaces.json"} {
		if got, ok := ParseTerminatingPath(name); ok {
			t.Errorf("ParseTerminatingPath(%q) = %+v, want refused", name, got)
		}
	}
}

func TestLegacyDiscoveryPath(t *testing.T) {
	for p, want := range map[string]string{"/api": "discovery/legacy/api.json", "/apis/apps/v1": "discovery/legacy/apis/apps/v1.json", "/api/v1": "discovery/legacy/api/v1.json"} {
		if got := LegacyDiscoveryPath(p); got != want {
			t.Errorf("LegacyDiscoveryPath(%q) = %q, want %q", p, got, want)
		}
	}
}

// FuzzParsePaths: a name any parser accepts is the String of what it
// parsed to, a name the Writer accepts, and parses to nothing else.
func FuzzParsePaths(f *testing.F) {
	for _, s := range []string{
		"resources/core/v1/pods.json", "resources/apps/v1/deployments/ns.json", "logs/ns/p/c.previous.log",
		"logs/files/kcm.log", "terminating/ns.json", "resources//v1/x.json", "logs/files/p/c.log", "logs/ns/p/.previous.log",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := 0
		check := func(ok bool, s string) {
			if !ok {
				return
			}
			n++
			if s != name {
				t.Fatalf("%q parses to a path printed %q", name, s)
			}
			if err := checkWriteName(name); err != nil {
				t.Fatalf("%q parses, but the Writer refuses it: %v", name, err)
			}
		}
		r, ok := ParseResourcePath(name)
		check(ok, r.String())
		pl, ok := ParsePodLogPath(name)
		check(ok, pl.String())
		fl, ok := ParseFileLogPath(name)
		check(ok, fl.String())
		tp, ok := ParseTerminatingPath(name)
		check(ok, tp.String())
		if n > 1 {
			t.Fatalf("%q parses as %d kinds of path", name, n)
		}
	})
}
