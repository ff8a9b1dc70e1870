package load

import (
	"fmt"
	"sort"
	"strings"
)

// NoClusterDataError is SnapshotBundle's error for a bundle that was read
// but of which nothing could be read as cluster data: no manifest, no
// Kubernetes list, no log, no discovery result (a tar of /etc, a folder of
// text files, a troubleshoot bundle holding only analysis.json).
type NoClusterDataError struct {
	// Files and Links are how many regular files and links were walked.
	Files, Links int
	// Archives are the names of archives found among the files (at most
	// three): the bundle may be packed inside one.
	Archives []string
}

// archiveSuffixes are the names of archives a bundle may be packed in.
var archiveSuffixes = []string{".tgz", ".tar.gz", ".tar.zst", ".tar", ".tar.xz", ".txz", ".tar.bz2", ".zip"}

func (e *NoClusterDataError) Error() string {
	what := fmt.Sprintf("%d %s", e.Files, plural(e.Files, "file", "files"))
	if e.Links > 0 {
		what += fmt.Sprintf(", %d %s", e.Links, plural(e.Links, "link", "links"))
	}
	msg := "nothing in it could be read as cluster data (" + what + "; no Kubernetes lists, logs or discovery found)"
	if len(e.Archives) > 0 {
		msg += "; it holds " + plural(len(e.Archives), "an archive", "archives") + ", " + strings.Join(e.Archives, ", ") +
			": analyze that archive, or the folder it unpacks to"
	}
	return msg
}

// archivesAmong returns up to three of names that look like archives.
func archivesAmong(names map[string]bool) []string {
	var out []string
	for n := range names {
		for _, suf := range archiveSuffixes {
			if strings.HasSuffix(strings.ToLower(n), suf) {
				out = append(out, n)
				break
			}
		}
	}
	sort.Strings(out)
	return out[:min(len(out), 3)]
}

// noClusterData returns a *NoClusterDataError if nothing the loader read
// is cluster data, else nil.
func (l *loader) noClusterData() error {
	s := l.s
	if s.Manifest != nil || len(s.Content) > 0 || s.CollectedAny() {
		return nil
	}
	return &NoClusterDataError{Files: len(l.read), Links: len(l.links), Archives: archivesAmong(l.read)}
}
