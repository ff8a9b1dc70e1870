package load

import "fmt"

// NoClusterDataError is SnapshotBundle's error for a bundle that was read
// but of which nothing could be read as cluster data: no manifest, no
// Kubernetes list, no log, no discovery result (a tar of /etc, a folder of
// text files, a troubleshoot bundle holding only analysis.json).
type NoClusterDataError struct {
	// Files and Links are how many regular files and links were walked.
	Files, Links int
}

func (e *NoClusterDataError) Error() string {
	what := fmt.Sprintf("%d %s", e.Files, plural(e.Files, "file", "files"))
	if e.Links > 0 {
		what += fmt.Sprintf(", %d %s", e.Links, plural(e.Links, "link", "links"))
	}
	return "nothing in it could be read as cluster data (" + what + "; no Kubernetes lists, logs or discovery found)"
}

// noClusterData returns a *NoClusterDataError if nothing the loader read
// is cluster data, else nil.
func (l *loader) noClusterData() error {
	s := l.s
	if s.Manifest != nil || len(s.Content) > 0 || s.CollectedAny() {
		return nil
	}
	return &NoClusterDataError{Files: len(l.read), Links: len(l.links)}
}
