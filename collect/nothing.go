package collect

import (
	"fmt"
	"strings"

	"github.com/nsbundle/nsbundle/bundle"
)

// NothingCollectedError is Run's error when no request to the cluster
// succeeded and no local log file was read (the server is unreachable, or
// refuses the credentials): there is nothing to analyze, so no bundle is
// written.
type NothingCollectedError struct {
	// Server is the API server's URL.
	Server string
	// Failed is how many requests failed (all of them).
	Failed int
	// First is one failure, as in Result.Missing: the /version request's
	// when it is there, e.g. `/version: unauthorized (401)`.
	First string
}

func (e *NothingCollectedError) Error() string {
	return fmt.Sprintf("nothing could be collected from %s: all %d requests failed, e.g. %s", e.Server, e.Failed, e.First)
}

// nothingCollected returns a NothingCollectedError when m records no
// successful request and no local log file read, else nil. missing is the
// sorted list of missing items.
func nothingCollected(server string, m *bundle.Manifest, missing []string) error {
	for _, q := range m.Requests {
		if !q.Failed() {
			return nil
		}
	}
	for _, l := range m.Logs {
		if l.Error == "" {
			return nil
		}
	}
	first := ""
	for _, s := range missing {
		if strings.HasPrefix(s, "/version: ") {
			first = s
			break
		}
	}
	if first == "" && len(missing) > 0 {
		first = missing[0]
	}
	return &NothingCollectedError{Server: server, Failed: len(m.Requests), First: first}
}
