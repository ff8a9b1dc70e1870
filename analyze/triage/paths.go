package triage

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// archiveSuffixes are the names of bundle archives a directory is searched for.
var archiveSuffixes = []string{".tgz", ".tar.gz", ".tar.zst", ".tzst", ".tar"}

// Paths turns the command line's DIR|FILES... into bundle paths: a file is
// itself; a directory holding bundle archives (at any depth) gives them, in
// name order, symbolic links to archive files among them (a desk's folder
// of links to tickets' attachments; links to directories are not
// followed); a directory holding none is an extracted bundle. A path that
// cannot be read is kept: Run lists it as unreadable.
func Paths(args []string) []string {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		_ = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && isArchive(d.Name()) && (d.Type().IsRegular() || linksToFile(p, d)) {
				found = append(found, p)
			}
			return nil
		})
		if len(found) == 0 {
			out = append(out, a)
			continue
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out
}

func isArchive(name string) bool {
	name = strings.ToLower(name)
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// linksToFile reports whether directory entry d at p is a symbolic link to
// a regular file.
func linksToFile(p string, d fs.DirEntry) bool {
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
