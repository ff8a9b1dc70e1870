package bundle

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkArchiveLinks(t *testing.T) {
	t.Parallel()
	sym := func(name, target string) ent { return ent{name: name, typeflag: tar.TypeSymlink, link: target} }
	hard := func(name, target string) ent { return ent{name: name, typeflag: tar.TypeLink, link: target} }
	log := reg("b/cluster-resources/pods/logs/ns/p/c.log", "hello")
	tests := []struct {
		name string
		ents []ent
		want string
	}{
		{"troubleshoot-all-logs", []ent{log, sym("b/all-logs/ns/p/c.log", "../../../cluster-resources/pods/logs/ns/p/c.log")},
			"cluster-resources/pods/logs/ns/p/c.log=hello all-logs/ns/p/c.log->../../../cluster-resources/pods/logs/ns/p/c.log[cluster-resources/pods/logs/ns/p/c.log]"},
		{"same-dir", []ent{reg("b/x/a", "1"), sym("b/x/l", "a")}, "x/a=1 x/l->a[x/a]"},
		{"dot-slash-target", []ent{reg("b/x/a", "1"), sym("b/x/l", "./a")}, "x/a=1 x/l->./a[x/a]"},
		{"link-first", []ent{sym("b/l", "a"), reg("b/a", "1")}, "l->a[a] a=1"},
		{"dangling", []ent{reg("b/a", "1"), sym("b/l", "missing")}, "a=1 l->missing[missing]"},
		{"to-directory", []ent{reg("b/d/a", "1"), sym("b/l", "d")}, "d/a=1 l->d[d]"},
		{"absolute", []ent{reg("b/a", "1"), sym("b/l", "/etc/passwd")}, "a=1 l->/etc/passwd[]"},
		{"escapes-root", []ent{reg("b/a", "1"), sym("b/l", "../../x")}, "a=1 l->../../x[]"},
		{"leaves-and-reenters-top", []ent{reg("b/a", "1"), sym("b/l", "../b/a")}, "a=1 l->../b/a[]"},
		{"escapes-top-into-archive", []ent{reg("b/a", "1"), sym("b/x/l", "../../c")}, "a=1 x/l->../../c[]"},
		{"to-root", []ent{reg("b/a", "1"), sym("b/l", ".")}, "a=1 l->.[]"},
		{"backslash-target", []ent{reg("b/a", "1"), sym("b/l", `..\..\x`)}, `a=1 l->..\..\x[]`},
		{"drive-target", []ent{reg("b/a", "1"), sym("b/l", "C:/x")}, "a=1 l->C:/x[]"},
		{"hardlink", []ent{reg("b/a", "1"), hard("b/h", "b/a")}, "a=1 h->b/a[a]"},
		{"hardlink-dot-slash", []ent{reg("b/a", "1"), hard("b/h", "./b/./a")}, "a=1 h->./b/./a[a]"},
		{"hardlink-outside-top", []ent{reg("b/a", "1"), hard("b/h", "c/a")}, "a=1 h->c/a[]"},
		{"hardlink-to-top", []ent{reg("b/a", "1"), hard("b/h", "b")}, "a=1 h->b[]"},
		{"hardlink-dotdot", []ent{reg("b/a", "1"), hard("b/h", "b/../etc/passwd")}, "a=1 h->b/../etc/passwd[]"},
		{"hardlink-absolute", []ent{reg("b/a", "1"), hard("b/h", "/etc/passwd")}, "a=1 h->/etc/passwd[]"},
		{"flat-hardlink", []ent{reg("resources/a.json", "1"), hard("resources/b.json", "resources/a.json")},
			"resources/a.json=1 resources/b.json->resources/a.json[resources/a.json]"},
	}
	for _, tt := range tests {
		for _, codec := range []string{"tar", "gzip"} {
			t.Run(tt.name+"/"+codec, func(t *testing.T) {
				t.Parallel()
				b := buildTar(tt.ents, true)
				if codec == "gzip" {
					b = gzipBytes(t, b)
				}
				got, err := walkAll(writeTemp(t, "bundle.tgz", b), Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(got, " ") != tt.want {
					t.Errorf("got  %q\nwant %q", strings.Join(got, " "), tt.want)
				}
			})
		}
	}
}

func TestWalkDirectoryLinks(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "secret")
	must(t, os.WriteFile(outside, []byte("secret"), 0o600))
	tests := []struct {
		name   string
		link   string // under top/
		target string
		want   string
	}{
		{"in-bundle", "all-logs/c.log", "../cluster-resources/c.log",
			"all-logs/c.log->../cluster-resources/c.log[cluster-resources/c.log] cluster-resources/c.log=log"},
		{"absolute-existing", "b.json", outside, "b.json->" + outside + "[] cluster-resources/c.log=log"},
		{"etc-passwd", "b.json", "/etc/passwd", "b.json->/etc/passwd[] cluster-resources/c.log=log"},
		{"escapes", "b.json", "../../x", "b.json->../../x[] cluster-resources/c.log=log"},
		{"dangling", "b.json", "nothing-here", "b.json->nothing-here[nothing-here] cluster-resources/c.log=log"},
		{"to-directory", "d", "cluster-resources", "cluster-resources/c.log=log d->cluster-resources[cluster-resources]"},
		{"to-outside-directory", "etc", "/etc", "cluster-resources/c.log=log etc->/etc[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := mkTree(t, map[string]string{"top/cluster-resources/c.log": "log"})
			p := filepath.Join(dir, "top", filepath.FromSlash(tt.link))
			must(t, os.MkdirAll(filepath.Dir(p), 0o700))
			must(t, os.Symlink(tt.target, p))
			got, err := walkAll(dir, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got  %q\nwant %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}
