package load

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestLoadLinks(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"cluster-resources/namespaces.json":                 `{"kind":"NamespaceList","items":[` + nsActive + `]}`,
		"cluster-resources/pods/logs/kube-system/p/c.log":   "hello\n",
		"cluster-resources/pods/logs/kube-system/p/c-2.log": "hello\n",
	}
	many := make([]Link, 7)
	for i := range many {
		many[i] = Link{Name: fmt.Sprintf("all-logs/x%d", i), Target: fmt.Sprintf("/etc/f%d", i)}
	}
	tests := []struct {
		name  string
		links []Link
		want  []string // substrings of the link notes, in order
	}{
		{"none", nil, nil},
		{"alias-file-and-dir", []Link{
			{Name: "all-logs/kube-system/p/c.log", Target: "../../../cluster-resources/pods/logs/kube-system/p/c.log", InBundle: "cluster-resources/pods/logs/kube-system/p/c.log"},
			{Name: "all-logs/kube-system/p2", Target: "../../cluster-resources/pods/logs/kube-system/p", InBundle: "cluster-resources/pods/logs/kube-system/p"},
		}, []string{"2 links to files or folders of the bundle, read under their own names (not twice)"}},
		{"outside", []Link{{Name: "all-logs/x", Target: "/etc/y"}, {Name: "a", Target: "../../b"}},
			[]string{"skipped 2 links that point outside the bundle: a -> ../../b, all-logs/x -> /etc/y"}},
		{"outside-capped", many,
			[]string{"skipped 7 links that point outside the bundle: all-logs/x0 -> /etc/f0, all-logs/x1 -> /etc/f1, all-logs/x2 -> /etc/f2, all-logs/x3 -> /etc/f3, all-logs/x4 -> /etc/f4 and 2 more"}},
		{"dangling", []Link{{Name: "l", Target: "missing.json", InBundle: "missing.json"}},
			[]string{"skipped 1 link to nothing in the bundle: l -> missing.json"}},
		{"near-miss-prefix-is-not-a-dir", []Link{{Name: "l", Target: "cluster-resources/pods/logs/kube-system/p/c", InBundle: "cluster-resources/pods/logs/kube-system/p/c"}},
			[]string{"skipped 1 link to nothing in the bundle"}},
		{"all-three", []Link{
			{Name: "z", Target: "cluster-resources/namespaces.json", InBundle: "cluster-resources/namespaces.json"},
			{Name: "y", Target: "/etc/passwd"},
			{Name: "x", Target: "gone", InBundle: "gone"},
		}, []string{"1 link to files or folders", "skipped 1 link that points outside the bundle: y -> /etc/passwd", "skipped 1 link to nothing in the bundle: x -> gone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			walk := func(file func(string, io.Reader) error, link func(Link)) error {
				for _, k := range tt.links {
					link(k)
				}
				return MapWalk(files)(file)
			}
			s, err := SnapshotBundle(walk, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range s.Notes {
				if strings.Contains(n, "link") {
					got = append(got, n)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("link notes %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("note %q, want it to contain %q", got[i], tt.want[i])
				}
			}
			if len(s.Namespaces) != 1 {
				t.Errorf("namespaces %d, want 1 (links must not add or hide objects)", len(s.Namespaces))
			}
		})
	}
}
