package load

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// Link is a symbolic or hard link of a bundle. It has no content of its
// own and is never followed.
type Link struct {
	// Name is the link's name relative to the bundle root.
	Name string
	// Target is the target as stored.
	Target string
	// InBundle is the target as a bundle-relative name when it lies inside
	// the bundle, else "".
	InBundle string
}

// BundleWalkFunc walks a bundle, calling file for each regular file (as
// WalkFunc does) and link for each symbolic or hard link.
type BundleWalkFunc func(file func(name string, r io.Reader) error, link func(Link)) error

// SnapshotBundle is Snapshot for a walk that also reports links, and that
// fails with a *NoClusterDataError when nothing in the bundle is cluster
// data. A link to a file or folder of the bundle is an alias of content
// read under its own name and is counted in a note, not read twice; a link
// that points outside the bundle, or to nothing in it, is listed in a note.
// Links are never findings.
func SnapshotBundle(walk BundleWalkFunc, opts Options) (*snapshot.Snapshot, error) {
	s, l, err := snapshotOf(walk, opts)
	if err != nil {
		return nil, err
	}
	if err := l.noClusterData(); err != nil {
		return nil, err
	}
	return s, nil
}

// maxLinksListed caps the links a note names.
const maxLinksListed = 5

// linkNotes notes the links of the bundle once every file is known.
func (l *loader) linkNotes() {
	if len(l.links) == 0 {
		return
	}
	var dirs map[string]bool
	isDir := func(name string) bool {
		if dirs == nil {
			dirs = map[string]bool{}
			for f := range l.read {
				for i := strings.LastIndexByte(f, '/'); i > 0; i = strings.LastIndexByte(f[:i], '/') {
					dirs[f[:i]] = true
				}
			}
		}
		return dirs[name]
	}
	aliases := 0
	var outside, dangling []Link
	for _, k := range l.links {
		switch {
		case k.InBundle == "":
			outside = append(outside, k)
		case l.read[k.InBundle] || isDir(k.InBundle):
			aliases++
		default:
			dangling = append(dangling, k)
		}
	}
	if aliases > 0 {
		l.note("%d %s to files or folders of the bundle, read under their own names (not twice)", aliases, plural(aliases, "link", "links"))
	}
	if len(outside) > 0 {
		l.note("skipped %d %s outside the bundle: %s", len(outside), plural(len(outside), "link that points", "links that point"), listLinks(outside))
	}
	if len(dangling) > 0 {
		l.note("skipped %d %s to nothing in the bundle: %s", len(dangling), plural(len(dangling), "link", "links"), listLinks(dangling))
	}
}

// listLinks names at most maxLinksListed links, sorted, and says how many
// more there are.
func listLinks(ks []Link) string {
	sort.Slice(ks, func(i, j int) bool { return ks[i].Name < ks[j].Name })
	var b strings.Builder
	for i, k := range ks {
		if i == maxLinksListed {
			fmt.Fprintf(&b, " and %d more", len(ks)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s -> %s", k.Name, k.Target)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
